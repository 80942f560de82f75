package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestMigrationsUpDownUp proves each dialect's migrations apply, roll back
// completely and apply again.
func TestMigrationsUpDownUp(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		m, err := store.NewMigrator(db)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := m.Current(ctx); err != nil || !ok {
			t.Fatalf("after up: current=%v err=%v", ok, err)
		}
		if err := m.Reset(ctx); err != nil {
			t.Fatalf("down to zero: %v", err)
		}
		if db.Migrator().HasTable("users") {
			t.Fatal("users table survived a full rollback")
		}
		if err := m.Up(ctx); err != nil {
			t.Fatalf("up again: %v", err)
		}
		if ok, _ := m.Current(ctx); !ok {
			t.Fatal("not current after second up")
		}
	})
}

// TestModelsRoundTripEveryTable writes and reads back a row of every model,
// so the SQL schema and the GORM models cannot drift apart.
func TestModelsRoundTripEveryTable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2026, 3, 8, 6, 30, 0, 123000, time.UTC)
		w := storetest.NewWorld(t, db, "rt", now)
		later := now.Add(time.Hour)
		on := true
		dose := store.DoseInstance{PatientID: w.Patient.ID, RegimenID: w.Regimen.ID, ScheduledAt: now,
			LocalDate: "2026-03-08", LocalTime: "01:30", State: store.DoseTaken, OnTime: &on, TakenAt: &later,
			Source: "dispenser", CreatedAt: now, UpdatedAt: now}
		disp := store.Dispenser{ClinicID: w.Clinic.ID, Serial: "SN-1", PublicKey: "k", PatientID: &w.Patient.ID,
			HeartbeatIntervalS: 900, CreatedAt: now, UpdatedAt: now}
		rows := []any{
			&store.Session{ID: "s1", UserID: w.Admin.ID, RefreshHash: "h", CreatedAt: now, LastUsedAt: now, ExpiresAt: later},
			&store.PatientAbsence{PatientID: w.Patient.ID, StartsAt: now, EndsAt: later, Reason: "hospital"},
			&dose, &disp,
		}
		for _, r := range rows {
			if err := db.Create(r).Error; err != nil {
				t.Fatalf("create %T: %v", r, err)
			}
		}
		more := []any{
			&store.Alert{PatientID: w.Patient.ID, Kind: store.AlertMissedDose, DoseID: &dose.ID, OpenedAt: now, NextAt: &later},
			&store.DispenserOutage{DispenserID: disp.ID, PatientID: &w.Patient.ID, StartedAt: now, DetectedAt: later},
			&store.DoseEvent{DispenserID: disp.ID, DeviceEventID: "e1", Type: store.EventDoseTaken, OccurredAt: now,
				ReceivedAt: later, DoseID: &dose.ID},
			&store.PushToken{UserID: w.PatientUsr.ID, Token: "tok", Platform: "android", LastSeenAt: now, CreatedAt: now},
			&store.Notification{DedupeKey: "d1", RecipientID: w.PatientUsr.ID, Channel: "push", Kind: "reminder",
				DoseID: &dose.ID, Payload: "{}", State: store.NotifyPending, NotBefore: now, CreatedAt: now},
			&store.AuditEntry{At: now, ActorID: &w.Admin.ID, Action: "patient.read", PatientID: &w.Patient.ID, Outcome: "ok"},
			&store.JobLease{Name: "sweep", Holder: "a", LeaseUntil: later},
		}
		for _, r := range more {
			if err := db.Create(r).Error; err != nil {
				t.Fatalf("create %T: %v", r, err)
			}
		}
		var got store.DoseInstance
		if err := db.First(&got, dose.ID).Error; err != nil {
			t.Fatal(err)
		}
		if !got.ScheduledAt.Equal(now) || got.TakenAt == nil || !got.TakenAt.Equal(later) || got.OnTime == nil || !*got.OnTime {
			t.Fatalf("dose read back differently: %+v", got)
		}
		for _, model := range []any{&store.Clinic{}, &store.User{}, &store.Session{}, &store.Patient{},
			&store.PatientAbsence{}, &store.CareTeamMember{}, &store.CareLink{}, &store.Medication{}, &store.Regimen{},
			&store.DoseInstance{}, &store.Alert{}, &store.Dispenser{}, &store.DispenserOutage{}, &store.DoseEvent{},
			&store.PushToken{}, &store.Notification{}, &store.AuditEntry{}, &store.JobLease{}} {
			if err := db.Take(model).Error; err != nil {
				t.Errorf("read %T: %v", model, err)
			}
		}
		dup := store.DoseInstance{PatientID: w.Patient.ID, RegimenID: w.Regimen.ID, ScheduledAt: now,
			LocalDate: "x", LocalTime: "x", State: store.DosePending, CreatedAt: now, UpdatedAt: now}
		if err := db.Create(&dup).Error; !errors.Is(err, gorm.ErrDuplicatedKey) {
			t.Fatalf("second dose at the same instant: want ErrDuplicatedKey, got %v", err)
		}
	})
}
