package main

import (
	"net/http/httptest"
	"testing"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
)

const worldPW = "correct horse battery staple"

// TestAccountControlsMatrix extends the authorization matrix to the new
// endpoints: each caller who may not use one is refused (never 2xx), and
// those who may, can.
func TestAccountControlsMatrix(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	a := storetest.NewWorld(t, b.app.db, "ma", b.clock.Now())
	o := storetest.NewWorld(t, b.app.db, "mo", b.clock.Now())
	as := func(u store.User) []string { return b.login(t, u.Email, worldPW) }
	pid, uid := itoa(a.Patient.ID), itoa(a.Physician.ID)
	cases := []struct {
		name, method, path string
		body               any
		who                []string
		want               int
	}{
		{"foreign admin unlocks", "POST", "/v1/admin/users/" + uid + "/unlock", nil, as(o.Admin), 404},
		{"foreign admin reset code", "POST", "/v1/admin/users/" + uid + "/reset-code", nil, as(o.Admin), 404},
		{"foreign admin ends sessions", "POST", "/v1/admin/users/" + uid + "/end-sessions", nil, as(o.Admin), 404},
		{"physician unlocks", "POST", "/v1/admin/users/" + uid + "/unlock", nil, as(a.Physician), 403},
		{"patient reads break-glass list", "GET", "/v1/admin/break-glass", nil, as(a.PatientUsr), 403},
		{"caregiver sets MFA policy", "PUT", "/v1/admin/clinic/security", map[string]bool{"require_mfa": true}, as(a.Caregiver), 403},
		{"caregiver breaks glass", "POST", "/v1/patients/" + pid + "/break-glass", map[string]string{"reason": "curious about this one"}, as(a.Caregiver), 403},
		{"foreign physician breaks glass", "POST", "/v1/patients/" + pid + "/break-glass", map[string]string{"reason": "unconscious in the ER"}, as(o.Physician), 404},
		{"admin unlocks", "POST", "/v1/admin/users/" + uid + "/unlock", nil, as(a.Admin), 204},
		{"admin reset code", "POST", "/v1/admin/users/" + uid + "/reset-code", nil, as(a.Admin), 201},
	}
	for _, c := range cases {
		if w := b.do(c.method, c.path, c.body, c.who...); w.Code != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, w.Code, c.want, w.Body.String())
		}
	}
	var audited int64
	b.app.db.Model(&store.AuditEntry{}).Where("action = ? AND outcome = ?", "auth.wrong_role", "denied").Count(&audited)
	if audited < 4 {
		t.Fatalf("wrong-role refusals audited: %d, want >= 4", audited)
	}
	// Another clinic's admin probing our patient: the refusal is filed under
	// our clinic and patient, with the caller's address and agent.
	b.do("PUT", "/v1/admin/patients/"+pid+"/care-team", map[string]any{"physician_ids": []int64{}}, as(o.Admin)...)
	var row store.AuditEntry
	err := b.app.db.Where("actor_id = ? AND outcome = ? AND patient_id = ?", o.Admin.ID, "denied", a.Patient.ID).Take(&row).Error
	if err != nil || row.ClinicID == nil || *row.ClinicID != a.Clinic.ID || row.IP == "" || row.RequestID == "" || row.Role != "admin" {
		t.Fatalf("foreign refusal audit row: %+v %v", row, err)
	}
}

// TestResetCodeAndForcedChange: an admin's reset code lets a user set a new
// password once; a user created with a generated password can do nothing
// but change it.
func TestResetCodeAndForcedChange(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	admin := b.login(t, "root@example.test", "bootstrap-password")
	w := b.do("POST", "/v1/admin/users", map[string]any{"email": "new@example.test", "name": "New", "role": "physician"}, admin...)
	otp := decode(t, w)["one_time_password"].(string)
	id := itoa(int64(decode(t, w)["id"].(float64)))
	w = b.do("POST", "/v1/auth/login", map[string]string{"email": "new@example.test", "password": otp})
	if w.Code != 200 || decode(t, w)["required"] != "password_change" {
		t.Fatalf("first sign-in: %d %s", w.Code, w.Body.String())
	}
	tok := []string{"Authorization", "Bearer " + decode(t, w)["access_token"].(string)}
	if w := b.do("GET", "/v1/adherence", nil, tok...); w.Code != 403 {
		t.Fatalf("before the change: %d, want 403", w.Code)
	}
	if w := b.do("POST", "/v1/me/password", map[string]string{"current_password": otp, "new_password": "a sturdy new passphrase"}, tok...); w.Code != 204 {
		t.Fatalf("change: %d %s", w.Code, w.Body.String())
	}
	if w := b.do("GET", "/v1/adherence", nil, tok...); w.Code != 200 {
		t.Fatalf("after the change: %d %s", w.Code, w.Body.String())
	}
	w = b.do("POST", "/v1/admin/users/"+id+"/reset-code", nil, admin...)
	code := decode(t, w)["code"].(string)
	reset := map[string]string{"email": "new@example.test", "code": code, "new_password": "another sturdy passphrase"}
	if w := b.do("POST", "/v1/auth/reset", reset); w.Code != 204 {
		t.Fatalf("reset: %d %s", w.Code, w.Body.String())
	}
	if w := b.do("GET", "/v1/me", nil, tok...); w.Code != 401 {
		t.Fatalf("a reset ends every session: %d", w.Code)
	}
	reset["new_password"] = "yet another passphrase"
	if w := b.do("POST", "/v1/auth/reset", reset); w.Code != 401 {
		t.Fatalf("a reset code works once: %d", w.Code)
	}
	b.login(t, "new@example.test", "another sturdy passphrase")
}

// TestHSTSAndTrustedProxyScheme: HSTS only over HTTPS, and a forwarded
// scheme is believed only from a configured proxy.
func TestHSTSAndTrustedProxyScheme(t *testing.T) {
	t.Parallel()
	b := setup(t, map[string]string{"DOSELOOP_TRUSTED_PROXIES": "10.0.0.0/8"})
	for _, c := range []struct {
		remote string
		want   bool
	}{{"10.1.2.3:5555", true}, {"198.51.100.7:5555", false}} {
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.RemoteAddr = c.remote
		req.Header.Set("X-Forwarded-Proto", "https")
		rec := httptest.NewRecorder()
		b.h.ServeHTTP(rec, req)
		if got := rec.Header().Get("Strict-Transport-Security") != ""; got != c.want {
			t.Errorf("from %s: HSTS %v, want %v", c.remote, got, c.want)
		}
	}
}
