package schedule

import (
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
	rows := make([]store.DoseHistory, len(changes))
	for i, c := range changes {
		rows[i] = store.DoseHistory{DoseID: c.DoseID, FromState: c.From, ToState: c.To, At: at.UTC(),
			ActorUserID: actor.UserID, DispenserID: actor.DispenserID, Source: actor.Source, Reason: c.Reason,
			CorrectsID: c.CorrectsID}
	}
	return tx.CreateInBatches(rows, historyBatch).Error
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
