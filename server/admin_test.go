package main

import (
	"context"
	"testing"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
)

// TestAdminAPIScopedToClinic creates users and a patient as the bootstrap
// admin, and checks a physician gets 403 and another clinic's admin 404.
func TestAdminAPIScopedToClinic(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	admin := b.login(t, "root@example.test", "bootstrap-password")
	w := b.do("POST", "/v1/admin/users", map[string]any{"email": "doc@example.test", "name": "Dr Doc", "role": "physician"}, admin...)
	if w.Code != 201 || decode(t, w)["one_time_password"] == "" {
		t.Fatalf("create physician: %d %s", w.Code, w.Body.String())
	}
	docID := decode(t, w)["id"].(float64)
	if w := b.do("POST", "/v1/admin/users", map[string]any{"email": "DOC@example.test", "name": "Again", "role": "physician"}, admin...); w.Code != 409 {
		t.Fatalf("duplicate email (case-insensitive): %d, want 409", w.Code)
	}
	if w := b.do("POST", "/v1/admin/users", map[string]any{"email": "x", "name": "", "role": "wizard"}, admin...); w.Code != 400 {
		t.Fatalf("bad user: %d, want 400", w.Code)
	}
	w = b.do("POST", "/v1/admin/patients", map[string]any{"name": "Pia", "time_zone": "Asia/Kathmandu", "email": "pia@example.test"}, admin...)
	if w.Code != 201 {
		t.Fatalf("create patient: %d %s", w.Code, w.Body.String())
	}
	pid := int64(decode(t, w)["patient"].(map[string]any)["id"].(float64))
	if w := b.do("POST", "/v1/admin/patients", map[string]any{"name": "Bad", "time_zone": "Mars/Olympus"}, admin...); w.Code != 400 {
		t.Fatalf("bad zone: %d, want 400", w.Code)
	}
	path := "/v1/admin/patients/" + itoa(pid) + "/care-team"
	if w := b.do("PUT", path, map[string]any{"physician_ids": []float64{docID}}, admin...); w.Code != 200 {
		t.Fatalf("set care team: %d %s", w.Code, w.Body.String())
	}
	// Another clinic's admin cannot see or touch the patient.
	other := storetest.NewWorld(t, b.app.db, "other", b.clock.Now())
	oadm := b.login(t, other.Admin.Email, "correct horse battery staple")
	if w := b.do("PUT", path, map[string]any{"physician_ids": []int64{other.Physician.ID}}, oadm...); w.Code != 404 {
		t.Fatalf("foreign admin on our patient: %d, want 404", w.Code)
	}
	if w := b.do("PUT", path, map[string]any{"physician_ids": []int64{other.Physician.ID}}, admin...); w.Code != 400 {
		t.Fatalf("foreign physician on our care team: %d, want 400", w.Code)
	}
	doc := b.login(t, other.Physician.Email, "correct horse battery staple")
	if w := b.do("GET", "/v1/admin/users", nil, doc...); w.Code != 403 {
		t.Fatalf("physician on admin API: %d, want 403", w.Code)
	}
	var audits int64
	b.app.db.WithContext(context.Background()).Model(&store.AuditEntry{}).Where("patient_id = ?", pid).Count(&audits)
	if audits < 2 {
		t.Fatalf("want audit rows for patient changes, got %d", audits)
	}
	if w := b.do("GET", "/v1/admin/audit?patient_id="+itoa(pid), nil, admin...); w.Code != 200 || len(decode(t, w)["items"].([]any)) < 2 {
		t.Fatalf("audit log filter: %d %s", w.Code, w.Body.String())
	}
}
