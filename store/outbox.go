package store

import (
	"encoding/json"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// OutboxPayload is the JSON stored in Notification.Payload: which message
// template to render and the facts it may show. notify renders it per the
// recipient's locale and lock-screen privacy; the writer never builds text.
type OutboxPayload struct {
	// Template: dose_reminder, dose_rereminder, missed_dose_patient,
	// missed_dose_caregiver, missed_dose_physician, device_offline.
	Template    string `json:"template"`
	PatientID   int64  `json:"patient_id,omitempty"`
	PatientName string `json:"patient_name,omitempty"`
	Medication  string `json:"medication,omitempty"`
	DoseID      int64  `json:"dose_id,omitempty"`
	AlertID     int64  `json:"alert_id,omitempty"`
	Step        int    `json:"step,omitempty"`
	LocalTime   string `json:"local_time,omitempty"` // "08:00" in the patient's zone
	TimeZone    string `json:"time_zone,omitempty"`
	Serial      string `json:"serial,omitempty"` // device_offline
}

// Enqueue writes n to the outbox unless a row with its DedupeKey exists. Call
// it with the transaction that makes the state change causing n, so the
// notification exists exactly when the change does. It reports whether a
// row was inserted.
func Enqueue(tx *gorm.DB, n *Notification, p OutboxPayload) (bool, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return false, err
	}
	n.Payload = string(b)
	if n.State == "" {
		n.State = NotifyPending
	}
	res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "dedupe_key"}}, DoNothing: true}).Create(n)
	return res.RowsAffected == 1, res.Error
}
