package schedule_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// prescribed is what the dose's own version says was prescribed.
func prescribed(t *testing.T, db *gorm.DB, d store.DoseInstance) string {
	t.Helper()
	var v store.RegimenVersion
	if d.VersionID == nil || db.Take(&v, *d.VersionID).Error != nil {
		t.Fatalf("dose %d has no version", d.ID)
	}
	return fmt.Sprintf("v%d med %d x%g", v.Version, v.MedicationID, v.DoseQuantity)
}

// TestQuantityChangeMakesAVersionAndMedicationChangeIsRefused: a quantity
// change leaves the dose taken this morning prescribed as before (version
// 1, one tablet) while tonight's dose is version 2 (two tablets); changing
// the medication is refused and changes nothing.
func TestQuantityChangeMakesAVersionAndMedicationChangeIsRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setupAPI(t, db, "ver")
		b.expand(t)
		taken := b.dose(t, t0)
		db.Transaction(func(tx *gorm.DB) error {
			_, err := schedule.RecordTaken(tx, taken.ID, t0, schedule.Actor{Source: "patient"})
			return err
		})
		b.clk.Set(t0.Add(2 * time.Hour))
		path := fmt.Sprintf("/v1/patients/%d/regimens/%d", b.w.Patient.ID, b.w.Regimen.ID)
		status, body := b.do(t, b.w.Physician, "PATCH", path, `{"dose_quantity":2}`)
		if status != http.StatusOK || len(body["versions"].([]any)) != 2 {
			t.Fatalf("PATCH quantity: %d %v", status, body)
		}
		m := m2(t, db, b.w)
		status, body = b.do(t, b.w.Physician, "PATCH", path, fmt.Sprintf(`{"medication_id":%d}`, m.ID))
		if status != http.StatusConflict || body["reason"] != "medication_change" {
			t.Fatalf("PATCH medication: %d %v", status, body)
		}
		med := b.w.Medication.ID
		if got := prescribed(t, db, b.dose(t, t0)); got != fmt.Sprintf("v1 med %d x1", med) {
			t.Fatalf("the dose taken this morning now reads %s", got)
		}
		var tonight store.DoseInstance
		db.Where("regimen_id = ? AND scheduled_at = ? AND state = ?", b.w.Regimen.ID, t0.Add(12*time.Hour), "pending").Take(&tonight)
		if got := prescribed(t, db, tonight); got != fmt.Sprintf("v2 med %d x2", med) {
			t.Fatalf("tonight's dose reads %s", got)
		}
		var versions int64
		db.Model(&store.RegimenVersion{}).Where("regimen_id = ?", b.w.Regimen.ID).Count(&versions)
		if versions != 2 {
			t.Fatalf("%d versions after a refused medication change", versions)
		}
	})
}

func m2(t *testing.T, db *gorm.DB, w *storetest.World) store.Medication {
	m := store.Medication{ClinicID: w.Clinic.ID, Name: "Acetaminophen", CreatedAt: t0}
	if err := db.Create(&m).Error; err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRecordingWindow: a patient may record from 60 min before due to 24 h
// after; outside it the answer names the reason and the window.
func TestRecordingWindow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db, "win")
		b.expand(t)
		d := b.dose(t, t0.Add(12*time.Hour)) // 20:00
		pat := schedule.Actor{UserID: &b.w.PatientUsr.ID, Source: "patient"}
		try := func(takenAt, now time.Time) error {
			d := b.dose(t, d.ScheduledAt)
			return db.Transaction(func(tx *gorm.DB) error { return schedule.Take(tx, &d, takenAt, pat, now) })
		}
		at11 := t0.Add(3 * time.Hour)
		for _, c := range []struct {
			takenAt, now time.Time
			reason       string
		}{
			{at11, at11, "too_early"}, // a 20:00 dose taken at 11:00
			{d.ScheduledAt.Add(-61 * time.Minute), d.ScheduledAt.Add(-61 * time.Minute), "too_early"},
			{d.ScheduledAt, d.ScheduledAt.Add(24*time.Hour + time.Minute), "too_late"}, // backdated, but recorded too late
		} {
			err := try(c.takenAt, c.now)
			var e *apperr.Error
			if !errors.As(err, &e) || e.Reason != c.reason || e.Extra["window_start"] == nil || e.Extra["window_end"] == nil {
				t.Fatalf("take at %s recorded %s: %v", c.takenAt, c.now, err)
			}
		}
		if err := try(d.ScheduledAt.Add(-59*time.Minute), d.ScheduledAt.Add(-59*time.Minute)); err != nil {
			t.Fatalf("inside the window: %v", err)
		}
		hist, _ := schedule.History(db, d.ID)
		if len(hist) != 2 || hist[0].ToState != "scheduled" || hist[1].ToState != "taken" || hist[1].Source != "patient" ||
			*hist[1].ActorUserID != b.w.PatientUsr.ID {
			t.Fatalf("history %+v", hist)
		}
	})
}
