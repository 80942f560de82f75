package schedule

import (
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// DeviceTake is one dose a dispenser reported taken.
type DeviceTake struct {
	DoseID int64
	At     time.Time
	OnTime bool
}

// RecordDeviceTakes is the set-based API for dispenser ingest: it records
// takes (pending, missed or skipped → taken, source dispenser, their open
// alerts closed so no later escalation step fires) and flags doubled doses
// (already taken), with one history row per dose, in the caller's
// transaction. The doses must be locked by the caller (ingest selects them
// FOR UPDATE on Postgres). A few statements per batch, whatever its size.
func RecordDeviceTakes(tx *gorm.DB, dispenserID int64, takes []DeviceTake, doubled []int64, now time.Time) error {
	actor := Actor{DispenserID: &dispenserID, Source: store.SourceDispenser}
	if len(takes) > 0 {
		if err := deviceTakes(tx, actor, takes, now); err != nil {
			return err
		}
	}
	return markDouble(tx, doubled, actor, now)
}

func deviceTakes(tx *gorm.DB, actor Actor, takes []DeviceTake, now time.Time) error {
	pg := store.IsPostgres(tx)
	if pg {
		return deviceTakesPG(tx, actor, takes, now)
	}
	ids := make([]int64, len(takes))
	at, onTime := store.NewCaseByID(pg), store.NewCaseByID(pg)
	for i, t := range takes {
		ids[i] = t.DoseID
		at.When(t.DoseID, t.At.UTC(), "timestamptz")
		onTime.When(t.DoseID, t.OnTime, "boolean")
	}
	var before []struct {
		ID    int64
		State string
	}
	if err := tx.Raw("SELECT id, state FROM dose_instances WHERE id IN ? ORDER BY id", ids).Scan(&before).Error; err != nil {
		return err
	}
	update := "UPDATE dose_instances SET state = 'taken', source = 'dispenser', dispenser_reported = ?, updated_at = ?, " +
		"skip_reason = '', taken_at = " + at.SQL() + ", on_time = " + onTime.SQL() + " WHERE id IN ?"
	if err := tx.Exec(update, append(append(append([]any{true, now}, at.Args...), onTime.Args...), ids)...).Error; err != nil {
		return err
	}
	if err := tx.Exec("UPDATE alerts SET closed_at = ?, close_reason = 'dose_recorded', next_at = NULL WHERE closed_at IS NULL AND dose_id IN ?",
		now, ids).Error; err != nil {
		return err
	}
	ch := make([]change, len(before))
	for i, b := range before {
		ch[i] = change{DoseID: b.ID, From: b.State, To: store.DoseTaken}
	}
	return appendHistory(tx, actor, now, ch)
}
