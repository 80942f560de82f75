package main

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/store"
)

// TestCookieOnlyCrossOriginWritesRefused is the CSRF attack on the JSON API:
// for every state-changing route the router serves, a request carrying only
// a signed-in admin's dashboard cookie, from a foreign origin, as a plain
// form or as JSON, is refused, and nothing changes.
func TestCookieOnlyCrossOriginWritesRefused(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	w := b.do("POST", "/v1/auth/login", map[string]string{"email": "root@example.test", "password": "bootstrap-password"})
	token := decode(t, w)["access_token"].(string)
	var before int64
	b.app.db.Model(&store.User{}).Count(&before)
	param := regexp.MustCompile(`:[a-z]+`)
	checked := 0
	for _, r := range b.app.router().Routes() {
		if r.Method == "GET" || r.Method == "HEAD" || !strings.HasPrefix(r.Path, "/v1/") {
			continue
		}
		path := param.ReplaceAllString(r.Path, "1")
		for _, form := range []struct{ ct, body string }{{"text/plain", "x=1"}, {"application/x-www-form-urlencoded", "x=1"}, {"application/json", `{"email":"evil@example.test","name":"Evil","role":"admin"}`}} {
			req := httptest.NewRequest(r.Method, path, strings.NewReader(form.body))
			req.Header.Set("Content-Type", form.ct)
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Sec-Fetch-Site", "same-site")
			req.AddCookie(&http.Cookie{Name: "doseloop_access", Value: token})
			rec := httptest.NewRecorder()
			b.h.ServeHTTP(rec, req)
			if rec.Code < 400 {
				t.Errorf("%s %s with only the cookie (%s): %d, want refused", r.Method, path, form.ct, rec.Code)
			}
		}
		checked++
	}
	var after int64
	b.app.db.Model(&store.User{}).Count(&after)
	t.Logf("%d state-changing /v1 routes refused a cookie-only cross-origin request", checked)
	if checked < 40 || after != before {
		t.Fatalf("checked %d routes; users before %d after %d", checked, before, after)
	}
	// The same write with the token in Authorization works: the refusal is
	// about the cookie, not the request.
	w = b.do("POST", "/v1/admin/users", map[string]any{"email": "ok@example.test", "name": "OK", "role": "physician"},
		"Authorization", "Bearer "+token)
	if w.Code != 201 {
		t.Fatalf("bearer write: %d %s", w.Code, w.Body.String())
	}
	// A same-origin GET download with the cookie still works (dashboard links).
	req := httptest.NewRequest("GET", "/v1/me", nil)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: "doseloop_access", Value: token})
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("same-origin GET with cookie: %d, cache %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
}

// TestJSONBodiesNeedJSONContentType: a body in any other media type is 415.
func TestJSONBodiesNeedJSONContentType(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	admin := b.login(t, "root@example.test", "bootstrap-password")
	req := httptest.NewRequest("POST", "/v1/admin/users", strings.NewReader(`{"email":"x@example.test","name":"X","role":"admin"}`))
	req.Header.Set("Authorization", admin[1])
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	if rec.Code != 415 {
		t.Fatalf("JSON without Content-Type: %d, want 415", rec.Code)
	}
}

// TestLongPasswordAndCareTeamDuplicates: an 80-byte password is accepted
// end to end; a care team naming one physician twice is a 400.
func TestLongPasswordAndCareTeamDuplicates(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	admin := b.login(t, "root@example.test", "bootstrap-password")
	long := strings.Repeat("correct-horse-", 6)[:80]
	w := b.do("POST", "/v1/admin/users", map[string]any{"email": "long@example.test", "name": "Long", "role": "physician", "password": long}, admin...)
	if w.Code != 201 {
		t.Fatalf("80-byte password: %d %s", w.Code, w.Body.String())
	}
	doc := int64(decode(t, w)["id"].(float64))
	b.login(t, "long@example.test", long)
	for _, pw := range []string{"1234567890", "password12"} {
		if w := b.do("POST", "/v1/admin/users", map[string]any{"email": "weak@example.test", "name": "W", "role": "physician", "password": pw}, admin...); w.Code != 400 {
			t.Fatalf("password %q: %d, want 400", pw, w.Code)
		}
	}
	w = b.do("POST", "/v1/admin/patients", map[string]any{"name": "Pia", "time_zone": "UTC"}, admin...)
	pid := int64(decode(t, w)["patient"].(map[string]any)["id"].(float64))
	if w := b.do("PUT", "/v1/admin/patients/"+itoa(pid)+"/care-team", map[string]any{"physician_ids": []int64{doc, doc}}, admin...); w.Code != 400 {
		t.Fatalf("care team [%d,%d]: %d, want 400", doc, doc, w.Code)
	}
}
