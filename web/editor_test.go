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
// the editor: a first submission only previews, bad input is refused with
// 400 and changes nothing, and stop asks first.
func TestRegimenEditor(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		c := b.client(t)
		c.login(b.w.Physician.Email)
		base := fmt.Sprintf("/web/patients/%d/regimens", b.w.Patient.ID)
		tok := c.csrf(base)
		form := url.Values{"csrf": {tok}, "medication_id": {fmt.Sprint(b.w.Medication.ID)}, "quantity": {"2"}, "unit": {"tablet"},
			"kind": {"times"}, "times": {"07:30, 19:30"}, "window": {"30"}, "grace": {"90"}, "late_limit": {"1440"}, "start": {"2026-03-31"}}
		var before int64
		db.Model(&store.Regimen{}).Count(&before)
		res, body := c.post(base, form)
		if res.StatusCode != 200 || !strings.Contains(body, `id="preview"`) || !strings.Contains(body, "07:30, 19:30") {
			t.Fatalf("first submission: %d, want a preview", res.StatusCode)
		}
		if n := count(db, &store.Regimen{}); n != before {
			t.Fatalf("the preview saved a regimen: %d -> %d", before, n)
		}
		form.Set("step", "save")
		if res, body := c.post(base, form); res.StatusCode != 200 || !strings.Contains(body, "at 07:30, 19:30") {
			t.Fatalf("prescribe: %d", res.StatusCode)
		}
		var reg store.Regimen
		db.Where("patient_id = ?", b.w.Patient.ID).Order("id DESC").Take(&reg)
		var doses int64
		db.Model(&store.DoseInstance{}).Where("regimen_id = ?", reg.ID).Count(&doses)
		if reg.DoseQuantity != 2 || reg.GraceMin != 90 || reg.OnTimeWindowMin != 30 || doses == 0 {
			t.Fatalf("new regimen %+v with %d doses expanded", reg, doses)
		}
		for _, bad := range []url.Values{{"times": {"25:00"}}, {"times": {""}}, {"quantity": {"-1"}}, {"medication_id": {"999999"}}, {"medication_id": {""}}} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			for k, v := range bad {
				f[k] = v
			}
			before := count(db, &store.Regimen{})
			res, body := c.post(base, f)
			if after := count(db, &store.Regimen{}); res.StatusCode != 400 || after != before || !strings.Contains(body, `role="alert"`) {
				t.Errorf("bad form %v: %d, regimens %d -> %d", bad, res.StatusCode, before, after)
			}
		}
		change := url.Values{"csrf": {tok}, "quantity": {"1"}, "unit": {"tablet"}, "kind": {"times"}, "times": {"09:00"}, "days": {"mon", "thu"},
			"window": {"30"}, "grace": {"45"}, "late_limit": {"180"}, "start": {"2026-03-31"}, "end": {"2026-06-30"}, "critical": {"on"}, "step": {"save"}}
		if res, _ := c.post(fmt.Sprintf("%s/%d", base, reg.ID), change); res.StatusCode != 200 {
			t.Fatalf("change: %d", res.StatusCode)
		}
		db.Take(&reg, reg.ID)
		if !strings.Contains(reg.Timing, "09:00") || !strings.Contains(reg.Timing, "thu") || reg.DoseQuantity != 1 || !reg.Critical || reg.GraceMin != 45 || reg.LateLimitMin != 180 || reg.EndsAt == nil {
			t.Errorf("changed regimen %+v", reg)
		}
		stop := fmt.Sprintf("%s/%d/stop", base, reg.ID)
		if res, body := c.post(stop, url.Values{"csrf": {tok}}); res.StatusCode != 200 || !strings.Contains(body, `id="stop-confirm"`) {
			t.Fatalf("stop without confirming: %d, want the question", res.StatusCode)
		}
		if db.Take(&reg, reg.ID); reg.StoppedAt != nil {
			t.Fatal("stopped without confirmation")
		}
		if res, _ := c.post(stop, url.Values{"csrf": {tok}, "confirm": {"yes"}}); res.StatusCode != 200 {
			t.Fatalf("stop: %d", res.StatusCode)
		}
		var pending int64
		db.Take(&reg, reg.ID)
		db.Model(&store.DoseInstance{}).Where("regimen_id = ? AND state = 'pending' AND scheduled_at > ?", reg.ID, now).Count(&pending)
		if reg.StoppedAt == nil || pending != 0 {
			t.Errorf("stopped regimen: stopped_at %v, %d future pending doses", reg.StoppedAt, pending)
		}
		if res, _ := c.post(stop, url.Values{"csrf": {tok}, "confirm": {"yes"}}); res.StatusCode != 409 {
			t.Errorf("stop twice: %d, want 409", res.StatusCode)
		}
		if audits(t, db, "web.regimen.create") != 6 || audits(t, db, "web.regimen.stop") != 2 {
			t.Errorf("audit rows: create %d, stop %d", audits(t, db, "web.regimen.create"), audits(t, db, "web.regimen.stop"))
		}
	})
}

// One submission with several mistakes shows every one next to its field,
// in plain words, and keeps everything typed (the chosen medication too).
func TestRegimenEditorKeepsInput(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite(t))
	c := b.client(t)
	c.login(b.w.Physician.Email)
	base := fmt.Sprintf("/web/patients/%d/regimens", b.w.Patient.ID)
	_, page := c.get(base)
	if strings.Contains(page, " selected>") {
		t.Error("the new-regimen form preselects a medication")
	}
	form := url.Values{"csrf": {c.csrf(base)}, "medication_id": {fmt.Sprint(b.w.Medication.ID)}, "quantity": {"-1"}, "unit": {"capsule"},
		"kind": {"times"}, "times": {"8am"}, "window": {"60"}, "grace": {"lots"}, "late_limit": {"1440"}, "start": {"2026-03-31"}, "end": {"2026-01-01"}}
	res, body := c.post(base, form)
	if res.StatusCode != 400 {
		t.Fatalf("status %d", res.StatusCode)
	}
	mustContain(t, "refused form", body, `id="quantity-error"`, `id="times-error"`, `id="grace-error"`, `id="end-error"`,
		"“8am” is not a time of day", `value="capsule"`, `value="8am"`, `value="lots"`,
		fmt.Sprintf(`<option value="%d" selected>`, b.w.Medication.ID), "Please correct the 4 marked fields")
	if strings.Contains(body, "timeOfDay") || strings.Contains(body, "periodUnit") {
		t.Error("errors name FHIR fields")
	}
}

func count(db *gorm.DB, model any) int64 {
	var n int64
	db.Model(model).Count(&n)
	return n
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
		res, body := c.get("/web/admin/audit?patient=" + url.QueryEscape(strings.ToUpper(b.w.Patient.Name[:3])) + "&person=" + url.QueryEscape(b.w.Admin.Name) + "&from=2000-01-01")
		if res.StatusCode != 200 || !strings.Contains(body, "web.patient.view") || strings.Contains(body, "web.admin.users") || !strings.Contains(body, b.w.Admin.Name+` <span class="muted">(admin)`) {
			t.Errorf("audit filter by patient and person names: %d", res.StatusCode)
		}
		if res, body := c.get("/web/admin/audit?from=yesterday"); res.StatusCode != 400 || !strings.Contains(body, `id="from-error"`) {
			t.Error("bad audit date not reported")
		}
		if _, body := c.get("/web/admin/audit?verify=1"); !strings.Contains(body, "The audit log is intact") {
			t.Error("chain check not shown")
		}
		if audits(t, db, "web.admin.audit") != 3 || audits(t, db, "web.admin.users") != 1 {
			t.Errorf("admin views audited: audit %d users %d", audits(t, db, "web.admin.audit"), audits(t, db, "web.admin.users"))
		}
	})
}
