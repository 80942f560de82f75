package schedule

import (
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// DeviceChange is what one dispenser batch does to one dose: Take records
// it taken (pending, missed or skipped → taken, source dispenser, its open
// alert closed so no later escalation step fires) and Double flags it taken
// twice; a dose taken by one event and taken again by a later one in the
// same batch has both. From is the state the dose had when the batch was
// matched: the change is made only while the dose is still in it.
type DeviceChange struct {
	DoseID int64
	From   string
	Take   bool
	At     time.Time // when it was taken (Take)
	OnTime bool      // (Take)
	Double bool
}

// RecordDeviceChanges is the set-based API for dispenser ingest: it applies
// changes (sorted by dose id) with one history row per state change, in the
// caller's transaction, and returns how many doses it changed (fewer than
// len(changes) when a dose has left its From state meanwhile; Postgres
// only, as SQLite's one writer is the caller). A few statements per batch,
// whatever its size. Ingest on Postgres embeds the same SQL
// (DeviceChangesPG) in its one statement per batch.
func RecordDeviceChanges(tx *gorm.DB, dispenserID int64, changes []DeviceChange, now time.Time) (int, error) {
	if len(changes) == 0 {
		return 0, nil
	}
	if store.IsPostgres(tx) {
		return deviceChangesPG(tx, dispenserID, changes, now)
	}
	actor := Actor{DispenserID: &dispenserID, Source: store.SourceDispenser}
	var takes []DeviceChange
	var doubled []int64
	for _, c := range changes {
		if c.Take {
			takes = append(takes, c)
		}
		if c.Double {
			doubled = append(doubled, c.DoseID)
		}
	}
	if err := deviceTakesSQLite(tx, actor, takes, now); err != nil {
		return 0, err
	}
	return len(changes), markDouble(tx, doubled, actor, now)
}

// deviceTakesSQLite moves the taken doses to taken, closes their alerts and
// appends their history rows.
func deviceTakesSQLite(tx *gorm.DB, actor Actor, takes []DeviceChange, now time.Time) error {
	if len(takes) == 0 {
		return nil
	}
	ids := make([]int64, len(takes))
	at, onTime := store.NewCaseByID(false), store.NewCaseByID(false)
	ch := make([]change, len(takes))
	for i, t := range takes {
		ids[i] = t.DoseID
		at.When(t.DoseID, t.At.UTC(), "timestamptz")
		onTime.When(t.DoseID, t.OnTime, "boolean")
		ch[i] = change{DoseID: t.DoseID, From: t.From, To: store.DoseTaken}
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
	return appendHistory(tx, actor, now, ch)
}
