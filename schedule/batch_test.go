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
func TestRecordDeviceChangesWritesHistoryAndClosesAlerts(t *testing.T) {
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
		changes := []schedule.DeviceChange{{DoseID: doses[0].ID, From: store.DosePending, Take: true, At: now, OnTime: true},
			{DoseID: doses[1].ID, From: store.DoseMissed, Take: true, At: now, OnTime: false}}
		if err := db.Transaction(func(tx *gorm.DB) error {
			n, err := schedule.RecordDeviceChanges(tx, disp.ID, changes, now)
			if err == nil && n != 2 {
				t.Errorf("%d doses changed, want 2", n)
			}
			return err
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

// A dose taken and taken again in one batch is written once with both
// history rows (taken, then double_dose); on Postgres a change whose dose
// has left its From state meanwhile is not made, and the count says so.
func TestRecordDeviceChangesTakeAndDoubleAndGuard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
		w := storetest.NewWorld(t, db, "double", now)
		disp := store.Dispenser{ClinicID: w.Clinic.ID, Serial: "DL-DOUBLE", PublicKey: "k", CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&disp).Error; err != nil {
			t.Fatal(err)
		}
		doses := []store.DoseInstance{{PatientID: w.Patient.ID, RegimenID: w.Regimen.ID, ScheduledAt: now.Add(-time.Hour),
			LocalDate: "2026-11-21", LocalTime: "11:00", State: store.DosePending, CreatedAt: now, UpdatedAt: now},
			{PatientID: w.Patient.ID, RegimenID: w.Regimen.ID, ScheduledAt: now.Add(-2 * time.Hour),
				LocalDate: "2026-11-21", LocalTime: "10:00", State: store.DoseSkipped, CreatedAt: now, UpdatedAt: now}}
		if err := db.Create(&doses).Error; err != nil {
			t.Fatal(err)
		}
		changes := []schedule.DeviceChange{{DoseID: doses[0].ID, From: store.DosePending, Take: true, At: now, OnTime: true, Double: true}}
		if store.IsPostgres(db) { // read as pending, but skipped by now: left alone
			changes = append(changes, schedule.DeviceChange{DoseID: doses[1].ID, From: store.DosePending, Take: true, At: now})
		}
		var n int
		err := db.Transaction(func(tx *gorm.DB) (err error) {
			n, err = schedule.RecordDeviceChanges(tx, disp.ID, changes, now)
			return err
		})
		if err != nil || n != 1 {
			t.Fatalf("changed %d doses (err %v), want 1", n, err)
		}
		d, hist := doses[0], []store.DoseHistory(nil)
		db.First(&d, d.ID)
		hist, _ = schedule.History(db, d.ID)
		if d.State != store.DoseTaken || !d.DoubleDose || len(hist) < 2 || hist[len(hist)-2].ToState != store.DoseTaken ||
			hist[len(hist)-1].FromState != store.DoseTaken || hist[len(hist)-1].ToState != store.HistDoubleDose {
			t.Fatalf("dose %+v with history %+v: want taken, double dose, rows taken then double_dose", d, hist)
		}
		if other := doses[1]; db.First(&other, other.ID).Error != nil || other.State != store.DoseSkipped {
			t.Fatalf("the dose that left its state was changed: %+v", other)
		}
	})
}
