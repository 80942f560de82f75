package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

func audits(t *testing.T, db *gorm.DB, action string) int64 {
	var n int64
	db.Model(&store.AuditEntry{}).Where("action = ?", action).Count(&n)
	return n
}

// A physician signs in, sees the care-team patient with figures in the list,
// opens the patient page with the heat-map, and each view is audited.
func TestSignInListAndPatient(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		c := b.client(t)
		if res, _ := c.get("/web/patients"); res.Request.URL.Path != "/web/login" {
			t.Fatalf("signed-out list went to %s, want the sign-in page", res.Request.URL.Path)
		}
		res, _ := c.login(b.w.Physician.Email)
		if res.StatusCode != 200 || res.Request.URL.Path != "/web/attention" {
			t.Fatalf("after sign-in: %d at %s, want the needs-attention page", res.StatusCode, res.Request.URL.Path)
		}
		res, body := c.get("/web/patients")
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("CSP = %q", csp)
		}
		mustContain(t, "list", body, b.w.Patient.Name, `data-figure="taking"`, "Days covered")
		for _, ck := range c.http.Jar.Cookies(res.Request.URL) {
			if ck.Name == "doseloop_access" && ck.Value == "" {
				t.Error("empty access cookie")
			}
		}
		res, body = c.get(fmt.Sprintf("/web/patients/%d?period=90d", b.w.Patient.ID))
		if res.StatusCode != 200 {
			t.Fatalf("patient page: %d", res.StatusCode)
		}
		mustContain(t, "patient page", body, `<svg id="heatmap"`, `class="day"`, `<svg id="timing"`, "Taking adherence", "Missed and skipped doses", "Metformin")
		// 90d is the last 90 local calendar days, today included (report.LastDays).
		if n := strings.Count(body, `class="day"`); n != 90 {
			t.Errorf("heat-map has %d days, want 90", n)
		}
		if audits(t, db, "web.patients.list") != 1 || audits(t, db, "web.patient.view") != 1 {
			t.Errorf("audit rows: list %d, patient %d; want 1 each", audits(t, db, "web.patients.list"), audits(t, db, "web.patient.view"))
		}
		// Sign out needs the form's token; without it nothing happens.
		if res, _ := c.post("/web/logout", url.Values{"csrf": {"forged"}}); res.StatusCode != 403 {
			t.Errorf("logout with a forged token: %d, want 403", res.StatusCode)
		}
		tok := c.csrf("/web/patients")
		c.post("/web/logout", url.Values{"csrf": {tok}})
		if res, _ := c.get("/web/patients"); res.Request.URL.Path != "/web/login" {
			t.Errorf("after sign-out the list is still open")
		}
	})
}

// A physician of another clinic, or of this clinic but outside the care
// team, gets the 404 page for every patient page and form.
func TestForeignPhysicianGets404(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		other := storetest.NewWorld(t, db, "other", now)
		outsider := store.User{ClinicID: b.w.Clinic.ID, Email: "out@example.test", Name: "Dr. Out", Role: store.RolePhysician,
			PasswordHash: storetest.PasswordHash, CreatedAt: now, UpdatedAt: now}
		db.Create(&outsider)
		var before int64
		db.Model(&store.Regimen{}).Count(&before)
		for _, email := range []string{other.Physician.Email, outsider.Email, other.Admin.Email} {
			c := b.client(t)
			c.login(email)
			tok := c.csrf("/web/patients")
			id := b.w.Patient.ID
			for _, p := range []string{"/web/patients/%d", "/web/patients/%d/regimens", "/v1/patients/%d/adherence", "/v1/patients/%d/fhir", "/v1/patients/%d/doses.csv"} {
				res, body := c.get(fmt.Sprintf(p, id))
				if res.StatusCode != 404 || strings.Contains(body, "Metformin") {
					t.Errorf("%s GET %s: %d, want 404", email, fmt.Sprintf(p, id), res.StatusCode)
				}
			}
			form := url.Values{"csrf": {tok}, "medication_id": {fmt.Sprint(b.w.Medication.ID)}, "quantity": {"1"}, "unit": {"tablet"}, "times": {"09:00"}}
			for _, p := range []string{"/web/patients/%d/regimens", "/web/patients/%d/regimens/" + fmt.Sprint(b.w.Regimen.ID), "/web/patients/%d/regimens/" + fmt.Sprint(b.w.Regimen.ID) + "/stop"} {
				if res, _ := c.post(fmt.Sprintf(p, id), form); res.StatusCode != 404 {
					t.Errorf("%s POST %s: %d, want 404", email, fmt.Sprintf(p, id), res.StatusCode)
				}
			}
			if _, body := c.get("/web/patients"); strings.Contains(body, fmt.Sprintf(`data-patient-id="%d"`, id)) {
				t.Errorf("%s sees the patient in the list", email)
			}
		}
		var after, denied int64
		db.Model(&store.Regimen{}).Count(&after)
		db.Model(&store.AuditEntry{}).Where("patient_id = ? AND outcome = 'denied'", b.w.Patient.ID).Count(&denied)
		if after != before || denied != 3*8 {
			t.Errorf("regimens %d -> %d; denied audit rows %d, want 24", before, after, denied)
		}
	})
}

// Caregivers and patients cannot use the dashboard.
func TestDashboardIsForStaff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		for _, u := range []store.User{b.w.Caregiver, b.w.PatientUsr} {
			c := b.client(t)
			if res, body := c.login(u.Email); res.StatusCode != 403 || !strings.Contains(body, "physicians and clinic admins") {
				t.Errorf("%s sign-in: %d", u.Role, res.StatusCode)
			}
		}
		c := b.client(t)
		if res, _ := c.post("/web/login", url.Values{"csrf": {"x"}, "email": {b.w.Physician.Email}, "password": {password}}); res.StatusCode != 403 {
			t.Errorf("sign-in without the form's token: %d, want 403", res.StatusCode)
		}
		if res, _ := c.post("/web/login", url.Values{"csrf": {c.csrf("/web/login")}, "email": {b.w.Physician.Email}, "password": {"wrong password!"}}); res.StatusCode != 401 {
			t.Errorf("wrong password: %d, want 401", res.StatusCode)
		}
		c.login(b.w.Physician.Email)
		if res, _ := c.get("/web/admin/users"); res.StatusCode != 403 {
			t.Errorf("physician on admin page: %d, want 403", res.StatusCode)
		}
	})
}
