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

// The care-team physician prescribes, changes and stops a regimen through
// the editor; bad input is refused with 400 and changes nothing.
func TestRegimenEditor(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		c := b.client(t)
		c.login(b.w.Physician.Email)
		base := fmt.Sprintf("/web/patients/%d/regimens", b.w.Patient.ID)
		tok := c.csrf(base)
		form := url.Values{"csrf": {tok}, "medication_id": {fmt.Sprint(b.w.Medication.ID)}, "quantity": {"2"}, "unit": {"tablet"}, "times": {"07:30, 19:30"}}
		if res, body := c.post(base, form); res.StatusCode != 200 || !strings.Contains(body, "at 07:30, 19:30") {
			t.Fatalf("prescribe: %d", res.StatusCode)
		}
		var reg store.Regimen
		db.Where("patient_id = ?", b.w.Patient.ID).Order("id DESC").Take(&reg)
		var doses int64
		db.Model(&store.DoseInstance{}).Where("regimen_id = ?", reg.ID).Count(&doses)
		if reg.DoseQuantity != 2 || doses == 0 {
			t.Fatalf("new regimen %+v with %d doses expanded", reg, doses)
		}
		for _, bad := range []url.Values{{"times": {"25:00"}}, {"times": {""}}, {"quantity": {"-1"}}, {"medication_id": {"999999"}}} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			for k, v := range bad {
				f[k] = v
			}
			var before int64
			db.Model(&store.Regimen{}).Count(&before)
			res, body := c.post(base, f)
			var after int64
			db.Model(&store.Regimen{}).Count(&after)
			if res.StatusCode != 400 || after != before || !strings.Contains(body, `role="alert"`) {
				t.Errorf("bad form %v: %d, regimens %d -> %d", bad, res.StatusCode, before, after)
			}
		}
		change := url.Values{"csrf": {tok}, "quantity": {"1"}, "unit": {"tablet"}, "times": {"09:00"}}
		if res, _ := c.post(fmt.Sprintf("%s/%d", base, reg.ID), change); res.StatusCode != 200 {
			t.Fatalf("change: %d", res.StatusCode)
		}
		db.Take(&reg, reg.ID)
		if !strings.Contains(reg.Timing, "09:00") || reg.DoseQuantity != 1 {
			t.Errorf("changed regimen %+v", reg)
		}
		if res, _ := c.post(fmt.Sprintf("%s/%d/stop", base, reg.ID), url.Values{"csrf": {tok}}); res.StatusCode != 200 {
			t.Fatalf("stop: %d", res.StatusCode)
		}
		var pending int64
		db.Take(&reg, reg.ID)
		db.Model(&store.DoseInstance{}).Where("regimen_id = ? AND state = 'pending' AND scheduled_at > ?", reg.ID, now).Count(&pending)
		if reg.StoppedAt == nil || pending != 0 {
			t.Errorf("stopped regimen: stopped_at %v, %d future pending doses", reg.StoppedAt, pending)
		}
		if res, _ := c.post(fmt.Sprintf("%s/%d/stop", base, reg.ID), url.Values{"csrf": {tok}}); res.StatusCode != 409 {
			t.Errorf("stop twice: %d, want 409", res.StatusCode)
		}
		if audits(t, db, "web.regimen.create") != 5 || audits(t, db, "web.regimen.stop") != 2 {
			t.Errorf("audit rows: create %d, stop %d", audits(t, db, "web.regimen.create"), audits(t, db, "web.regimen.stop"))
		}
	})
}

// Clinic admins see their clinic's users, patients, care teams, dispensers
// and a filterable audit log; each view is audited.
func TestAdminPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		other := storetest.NewWorld(t, db, "elsewhere", now)
		c := b.client(t)
		c.login(b.w.Admin.Email)
		c.get(fmt.Sprintf("/web/patients/%d", b.w.Patient.ID))
		for path, want := range map[string]string{"/web/admin/users": b.w.Physician.Email, "/web/admin/patients": b.w.Patient.Name,
			"/web/admin/care-teams": b.w.Physician.Name, "/web/admin/dispensers": "Nothing to show"} {
			res, body := c.get(path)
			if res.StatusCode != 200 || !strings.Contains(body, want) || strings.Contains(body, other.Physician.Email) {
				t.Errorf("%s: %d, want %q and nothing of the other clinic", path, res.StatusCode, want)
			}
		}
		res, body := c.get(fmt.Sprintf("/web/admin/audit?patient=%d&actor=%d&from=2000-01-01", b.w.Patient.ID, b.w.Admin.ID))
		if res.StatusCode != 200 || !strings.Contains(body, "web.patient.view") || strings.Contains(body, "web.admin.users") {
			t.Errorf("audit filter by patient: %d", res.StatusCode)
		}
		if _, body := c.get("/web/admin/audit?from=yesterday"); !strings.Contains(body, "from must be a date") {
			t.Error("bad audit date not reported")
		}
		if audits(t, db, "web.admin.audit") != 2 || audits(t, db, "web.admin.users") != 1 {
			t.Errorf("admin views audited: audit %d users %d", audits(t, db, "web.admin.audit"), audits(t, db, "web.admin.users"))
		}
	})
}
