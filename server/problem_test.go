package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestBadInputIsProblemJSON sends each kind of bad request and checks the
// answer is an RFC 9457 problem with a useful detail and nothing leaked.
func TestBadInputIsProblemJSON(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	huge := `{"email":"` + strings.Repeat("a", 2<<20) + `","password":"x"}`
	cases := []struct {
		name, method, path, body string
		status                   int
		detail                   string
	}{
		{"unknown route", "GET", "/v1/nothing-here", "", 404, "no endpoint GET /v1/nothing-here"},
		{"wrong method", "DELETE", "/healthz", "", 405, "method DELETE is not allowed"},
		{"malformed JSON", "POST", "/v1/auth/login", `{"email": "a@b.c",`, 400, "malformed JSON"},
		{"empty body", "POST", "/v1/auth/login", " ", 400, "request body is empty"},
		{"unknown field", "POST", "/v1/auth/login", `{"email":"a@b.c","password":"x","admin":true}`, 400, "admin: is not a known field"},
		{"wrong type", "POST", "/v1/auth/login", `{"email":42,"password":"x"}`, 400, "email: must be string"},
		{"validation", "POST", "/v1/auth/login", `{"email":"not-an-email","password":""}`, 400, "invalid fields"},
		{"oversized body", "POST", "/v1/auth/login", huge, 413, "limit"},
		{"no token", "GET", "/v1/me", "", 401, "sign in first"},
		{"bad token", "GET", "/v1/me", "", 401, "not valid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body any
			if c.body != "" {
				body = c.body
			}
			hdr := []string{}
			if c.name == "bad token" {
				hdr = []string{"Authorization", "Bearer abc.def.ghi"}
			}
			w := b.do(c.method, c.path, body, hdr...)
			if w.Code != c.status {
				t.Fatalf("status %d, want %d: %s", w.Code, c.status, w.Body.String())
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Fatalf("Content-Type %q, want application/problem+json", ct)
			}
			p := decode(t, w)
			if p["status"] != float64(c.status) || p["title"] != http.StatusText(c.status) || p["type"] == "" {
				t.Fatalf("not a problem document: %v", p)
			}
			if d, _ := p["detail"].(string); !strings.Contains(d, c.detail) {
				t.Fatalf("detail %q does not say %q", d, c.detail)
			}
			if s := w.Body.String(); strings.Contains(s, "SQL") || strings.Contains(s, "goroutine") {
				t.Fatalf("problem leaks internals: %s", s)
			}
		})
	}
}

// TestLoginOverHTTP signs the bootstrap admin in and reads /v1/me with the token.
func TestLoginOverHTTP(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	w := b.do("POST", "/v1/auth/login", map[string]string{"email": "root@example.test", "password": "bootstrap-password"})
	if w.Code != 200 {
		t.Fatalf("login: %d %s", w.Code, w.Body.String())
	}
	tok := decode(t, w)["access_token"].(string)
	me := b.do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok)
	if me.Code != 200 || decode(t, me)["role"] != "admin" {
		t.Fatalf("/v1/me: %d %s", me.Code, me.Body.String())
	}
	if w := b.do("POST", "/v1/auth/logout", nil, "Authorization", "Bearer "+tok); w.Code != 204 {
		t.Fatalf("logout: %d", w.Code)
	}
	if w := b.do("GET", "/v1/me", nil, "Authorization", "Bearer "+tok); w.Code != 401 {
		t.Fatalf("/v1/me after logout: %d, want 401", w.Code)
	}
}

func TestHealthAndReady(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for _, p := range []string{"/healthz", "/readyz"} {
		if w := b.do("GET", p, nil); w.Code != 200 {
			t.Fatalf("%s: %d %s", p, w.Code, w.Body.String())
		}
	}
}
