package report

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Event is one row of a dose's append-only history (dose_history) as the
// exports show it: who recorded what, when, from where, and why.
type Event struct {
	ID          int64
	DoseID      int64
	FromState   string
	ToState     string
	At          time.Time
	Source      string // patient, caregiver, physician, dispenser, system
	Reason      string
	CorrectsID  *int64
	ActorUserID *int64
	ActorName   string
	DispenserID *int64
	Serial      string // the dispenser's serial
	Model       string
}

// Outcome events: the history rows that say what happened to a dose (not
// reminders, snoozes or reschedules).
var outcomeEvents = []string{"taken", "skipped", "missed", "double_dose", "pending", "cancelled", "excluded"}

// loadEvents is the outcome history of the patient's doses scheduled in p,
// oldest first, with the acting user's name and the dispenser's serial.
func loadEvents(ctx context.Context, db *gorm.DB, patientID int64, p Interval) ([]Event, error) {
	var out []Event
	err := db.WithContext(ctx).Table("dose_history h").
		Select(`h.id, h.dose_id, h.from_state, h.to_state, h.at, h.source, h.reason, h.corrects_id,
			h.actor_user_id, COALESCE(u.name, '') AS actor_name, h.dispenser_id,
			COALESCE(x.serial, '') AS serial, COALESCE(x.model, '') AS model`).
		Joins("JOIN dose_instances d ON d.id = h.dose_id").
		Joins("LEFT JOIN users u ON u.id = h.actor_user_id").
		Joins("LEFT JOIN dispensers x ON x.id = h.dispenser_id").
		Where("d.patient_id = ? AND d.scheduled_at >= ? AND d.scheduled_at < ? AND h.to_state IN ?", patientID, p.From, p.To, outcomeEvents).
		Order("h.id").Scan(&out).Error
	return out, err
}

// byDose groups events per dose, oldest first.
func byDose(events []Event) map[int64][]Event {
	out := map[int64][]Event{}
	for _, e := range events {
		out[e.DoseID] = append(out[e.DoseID], e)
	}
	return out
}
