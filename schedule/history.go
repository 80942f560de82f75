package schedule

import (
	"strings"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// Actor is who changes a dose: a user (patient, caregiver, physician), a
// dispenser, or the system (the scheduler, a migration, a regimen change).
type Actor struct {
	UserID      *int64
	DispenserID *int64
	Source      string // store.SourcePatient ... store.SourceSystem
}

// System is the scheduler acting on its own.
var System = Actor{Source: store.SourceSystem}

// historyBatch keeps each history INSERT well under the parameter limits.
const historyBatch = 500

// change is one history row to append.
type change struct {
	DoseID     int64
	From, To   string
	Reason     string
	CorrectsID *int64
}

// appendHistory appends one history row per change, all by actor at at.
// History rows are only ever inserted: nothing in DoseLoop updates or
// deletes them (and the database refuses it).
func appendHistory(tx *gorm.DB, actor Actor, at time.Time, changes []change) error {
	if len(changes) == 0 {
		return nil
	}
	for len(changes) > 0 {
		n := min(len(changes), historyBatch)
		if err := insertHistory(tx, actor, at.UTC(), changes[:n]); err != nil {
			return err
		}
		changes = changes[n:]
	}
	return nil
}

// insertHistory is one hand-built multi-row INSERT: the expansion and the
// sweep append thousands of rows per transaction, and building them through
// GORM's reflection cost more than writing them.
func insertHistory(tx *gorm.DB, actor Actor, at time.Time, changes []change) error {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO dose_history (dose_id, from_state, to_state, at, actor_user_id, dispenser_id, source, reason, corrects_id) VALUES `)
	args := make([]any, 0, len(changes)*9)
	for i, c := range changes {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?,?,?,?,?,?,?)")
		args = append(args, c.DoseID, c.From, c.To, at, actor.UserID, actor.DispenserID, actor.Source, c.Reason, c.CorrectsID)
	}
	return tx.Exec(sb.String(), args...).Error
}

// sameChange is one change applied to many doses.
func sameChange(ids []int64, from, to, reason string) []change {
	out := make([]change, len(ids))
	for i, id := range ids {
		out[i] = change{DoseID: id, From: from, To: to, Reason: reason}
	}
	return out
}

// History lists one dose's history, oldest first.
func History(tx *gorm.DB, doseID int64) ([]store.DoseHistory, error) {
	var rows []store.DoseHistory
	return rows, tx.Where("dose_id = ?", doseID).Order("id").Find(&rows).Error
}
