package schedule_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestLogPRN: four doses a day are logged, the fifth is refused with the
// instant the next becomes allowed, a retried log is not a second dose, and
// a PRN regimen never gets scheduled doses.
func TestLogPRN(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db, "prn")
		reg := store.Regimen{PatientID: b.w.Patient.ID, MedicationID: b.w.Medication.ID, DoseQuantity: 1, DoseUnit: "tablet",
			Timing: `{"maxDosePerPeriod":{"count":4,"period":1,"periodUnit":"d"}}`, AsNeeded: true, OnTimeWindowMin: 60,
			GraceMin: 60, StartsAt: t0.Add(-48 * time.Hour), CreatedAt: t0, UpdatedAt: t0}
		db.Create(&reg)
		b.expand(t)
		log := func(at time.Time) (*store.DoseInstance, error) {
			var d *store.DoseInstance
			err := db.Transaction(func(tx *gorm.DB) (err error) { d, err = schedule.LogPRN(tx, reg.ID, at, "patient"); return err })
			return d, err
		}
		for h := range 4 {
			if _, err := log(t0.Add(time.Duration(h*4) * time.Hour)); err != nil {
				t.Fatalf("dose %d: %v", h+1, err)
			}
		}
		again, err := log(t0.Add(12 * time.Hour))
		if err != nil || again.LocalTime != "20:00" {
			t.Fatalf("retried log: %+v %v", again, err)
		}
		_, err = log(t0.Add(16 * time.Hour))
		e, _ := err.(*apperr.Error)
		if e == nil || e.Reason != "prn_limit" || !e.Extra["next_allowed_at"].(time.Time).Equal(t0.Add(24*time.Hour)) {
			t.Fatalf("fifth dose within a day: %v, want prn_limit until %s", err, t0.Add(24*time.Hour))
		}
		if _, err := log(t0.Add(24 * time.Hour)); err != nil {
			t.Fatalf("dose once the first left the window: %v", err)
		}
		var n int64
		db.Model(&store.DoseInstance{}).Where("regimen_id = ?", reg.ID).Count(&n)
		if n != 5 {
			t.Fatalf("%d PRN doses stored, want 5 logged ones and no scheduled ones", n)
		}
	})
}
