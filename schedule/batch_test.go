package schedule_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// A dispenser's takes record each dose taken with one history row naming
// the state it had before (pending or missed), the dispenser as the actor,
// and close the missed dose's escalation: the same on both databases
// (Postgres does it in one statement).
func TestRecordDeviceTakesWritesHistoryAndClosesAlerts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
		w := storetest.NewWorld(t, db, "takes", now)
		disp := store.Dispenser{ClinicID: w.Clinic.ID, Serial: "DL-TAKES", PublicKey: "k", CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&disp).Error; err != nil {
			t.Fatal(err)
		}
		var doses []store.DoseInstance
		for i, state := range []string{store.DosePending, store.DoseMissed} {
			at := now.Add(-time.Duration(i+1) * time.Hour)
			doses = append(doses, store.DoseInstance{PatientID: w.Patient.ID, RegimenID: w.Regimen.ID, ScheduledAt: at,
				LocalDate: "2026-11-21", LocalTime: at.Format("15:04"), State: state, CreatedAt: now, UpdatedAt: now})
		}
		if err := db.Create(&doses).Error; err != nil {
			t.Fatal(err)
		}
		alert := store.Alert{PatientID: w.Patient.ID, Kind: store.AlertMissedDose, DoseID: &doses[1].ID, OpenedAt: now, NextAt: &now}
		if err := db.Create(&alert).Error; err != nil {
			t.Fatal(err)
		}
		takes := []schedule.DeviceTake{{DoseID: doses[0].ID, At: now, OnTime: true}, {DoseID: doses[1].ID, At: now, OnTime: false}}
		if err := db.Transaction(func(tx *gorm.DB) error {
			return schedule.RecordDeviceTakes(tx, disp.ID, takes, nil, now)
		}); err != nil {
			t.Fatal(err)
		}
		for i, want := range []string{store.DosePending, store.DoseMissed} {
			var d store.DoseInstance
			db.First(&d, doses[i].ID)
			if d.State != store.DoseTaken || d.OnTime == nil || *d.OnTime != (i == 0) || d.Source != "dispenser" {
				t.Errorf("dose %d: state %s on_time %v source %q, want taken by the dispenser", i, d.State, d.OnTime, d.Source)
			}
			hist, _ := schedule.History(db, d.ID)
			last := hist[len(hist)-1]
			if last.FromState != want || last.ToState != store.DoseTaken || last.Source != store.SourceDispenser ||
				last.DispenserID == nil || *last.DispenserID != disp.ID {
				t.Errorf("dose %d: last history row %+v, want %s -> taken by dispenser %d", i, last, want, disp.ID)
			}
		}
		var after store.Alert
		db.First(&after, alert.ID)
		if after.ClosedAt == nil || after.CloseReason != "dose_recorded" || after.NextAt != nil {
			t.Errorf("alert %+v: want closed as dose_recorded with no next step", after)
		}
	})
}
