package schedule

import (
	"context"
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestDoseLocksDoNotBlockForeignKeyInserts: while one transaction holds a
// dose the way the state-change paths do (lockDose, a claim), another can
// still insert rows that point at it (an outbox row here). With FOR UPDATE
// the insert's foreign-key check waited for the lock, which is how the
// escalation ladder and dispenser ingest deadlocked under three replicas.
func TestDoseLocksDoNotBlockForeignKeyInserts(t *testing.T) {
	t.Parallel()
	db := storetest.Postgres(t)
	now := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	w := storetest.NewWorld(t, db, "lk", now)
	if _, err := ExtendHorizons(context.Background(), db, now, DefaultHorizon); err != nil {
		t.Fatal(err)
	}
	var d store.DoseInstance
	if err := db.Order("id").Take(&d).Error; err != nil {
		t.Fatalf("no dose expanded: %v", err)
	}
	for name, lock := range map[string]func(tx *gorm.DB) error{
		"lockDose": func(tx *gorm.DB) error { _, _, err := lockDose(tx, d.ID); return err },
		"claim": func(tx *gorm.DB) error {
			return tx.Exec(`SELECT id FROM dose_instances WHERE id = ?`+skipLocked(tx), d.ID).Error
		},
	} {
		holder := db.Begin()
		if err := lock(holder); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ins := db.Begin()
		ins.Exec("SET LOCAL lock_timeout = '2s'")
		n := store.Notification{DedupeKey: "lock-test-" + name, RecipientID: w.Caregiver.ID, Channel: "push", Kind: "escalation",
			PatientID: &d.PatientID, DoseID: &d.ID, Payload: "{}", State: store.NotifyPending, NotBefore: now, CreatedAt: now}
		if err := ins.Create(&n).Error; err != nil {
			t.Errorf("%s: an outbox row for a locked dose waited for the lock: %v", name, err)
		}
		ins.Rollback()
		holder.Rollback()
	}
}
