package schedule_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestPhysicianCorrectsOutsideTheWindow: four days after a dose was missed,
// the patient cannot record it, the care-team physician can, with a reason;
// the missed outcome stays in the history, the dose says corrected, and
// the correction is audited. Caregivers and foreign physicians cannot.
func TestPhysicianCorrectsOutsideTheWindow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setupAPI(t, db, "cor")
		other := storetest.NewWorld(t, db, "cor-other", t0)
		b.expand(t)
		if _, err := b.sched.SweepMissed(context.Background(), t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		d := b.dose(t, t0)
		b.clk.Set(t0.Add(4 * 24 * time.Hour))
		pat := schedule.Actor{UserID: &b.w.PatientUsr.ID, Source: "patient"}
		err := db.Transaction(func(tx *gorm.DB) error { return schedule.Take(tx, &d, t0, pat, b.clk.Now()) })
		if err == nil {
			t.Fatal("a patient recorded a dose missed four days ago")
		}
		path := fmt.Sprintf("/v1/patients/%d/doses/%d/correct", b.w.Patient.ID, d.ID)
		body := `{"state":"taken","taken_at":"2026-03-10T12:10:00Z","reason":"dispenser log shows the dose was taken"}`
		for _, c := range []struct {
			who    store.User
			body   string
			status int
		}{
			{b.w.Caregiver, body, 403},
			{other.Physician, body, 404},
			{b.w.Physician, `{"state":"taken","taken_at":"2026-03-10T12:10:00Z"}`, 400},
			{b.w.Physician, `{"state":"taken","reason":"x"}`, 400},
			{b.w.Physician, `{"state":"pending","reason":"x"}`, 400},
		} {
			if status, got := b.do(t, c.who, "POST", path, c.body); status != c.status {
				t.Fatalf("%s: %d %v, want %d", c.who.Email, status, got, c.status)
			}
		}
		if after := b.dose(t, t0); after.State != store.DoseMissed || after.Corrected {
			t.Fatalf("a refused correction changed the dose: %+v", after)
		}
		status, got := b.do(t, b.w.Physician, "POST", path, body)
		if status != http.StatusOK || got["state"] != "taken" || got["corrected"] != true || got["source"] != "physician" {
			t.Fatalf("correction: %d %v", status, got)
		}
		hist, _ := schedule.History(db, d.ID)
		last := hist[len(hist)-1]
		if len(hist) != 3 || hist[1].ToState != "missed" || last.ToState != "taken" || last.CorrectsID == nil ||
			*last.CorrectsID != hist[1].ID || last.Source != "physician" || last.Reason == "" {
			t.Fatalf("history %+v", hist)
		}
		status, got = b.do(t, b.w.Physician, "GET", fmt.Sprintf("/v1/patients/%d/doses/%d/history", b.w.Patient.ID, d.ID), "")
		if status != 200 || len(got["items"].([]any)) != 3 {
			t.Fatalf("history API: %d %v", status, got)
		}
		var audits int64
		db.Model(&store.AuditEntry{}).Where("action = ? AND outcome = ?", "dose.correct", "ok").Count(&audits)
		if audits != 1 {
			t.Fatalf("%d audit rows for the correction", audits)
		}
		if err := db.Exec("UPDATE dose_history SET reason = 'x' WHERE dose_id = ?", d.ID).Error; err == nil {
			t.Fatal("a history row was rewritten")
		}
		if err := db.Exec("DELETE FROM dose_history WHERE dose_id = ?", d.ID).Error; err == nil {
			t.Fatal("a history row was deleted")
		}
	})
}

// TestCollidingDosesAreBothReminded: 02:00 and 03:00 on the New York
// spring-forward day are two doses at 03:00 EDT, each reminded.
func TestCollidingDosesAreBothReminded(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db, "col")
		db.Model(&store.Regimen{}).Where("id = ?", b.w.Regimen.ID).Update("timing", `{"timeOfDay":["02:00","03:00"]}`)
		at := utc("2026-03-08T07:00:00Z")
		b.clk.Set(at.Add(-2 * time.Minute))
		b.expand(t)
		b.run(t, at.Add(time.Minute))
		var n int64
		db.Model(&store.DoseInstance{}).Where("regimen_id = ? AND scheduled_at = ?", b.w.Regimen.ID, at).Count(&n)
		equalLines(t, b.sent(t), []string{"03:00 reminder dose_reminder patient", "03:00 reminder dose_reminder patient"})
		if n != 2 {
			t.Fatalf("%d doses at 03:00 EDT, want 2", n)
		}
	})
}
