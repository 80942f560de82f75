package schedule

import (
	"fmt"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// Notification kinds the scheduler writes (store.Notification.Kind).
const (
	KindPreReminder   = "prereminder"
	KindReminder      = "reminder"
	KindReReminder    = "rereminder"
	KindEscalation    = "escalation"
	KindDeviceOffline = "device_offline"
)

// doseInfo is what a dose message shows and whom it goes to.
type doseInfo struct {
	ID, PatientID, RegimenID int64
	UserID                   *int64 // the patient's login; nil: nobody to remind
	PatientName, Medication  string
	LocalTime, TimeZone      string
	Critical                 bool
	State                    string
	SnoozeCount              int
}

// loadDoses reads the message facts for ids in one query.
func loadDoses(tx *gorm.DB, ids []int64) ([]doseInfo, error) {
	var out []doseInfo
	if len(ids) == 0 {
		return out, nil
	}
	err := tx.Raw(`SELECT d.id, d.patient_id, d.regimen_id, p.user_id, p.name AS patient_name, m.name AS medication,
			d.local_time, p.time_zone, r.critical, d.state, d.snooze_count
		FROM dose_instances d JOIN patients p ON p.id = d.patient_id JOIN regimens r ON r.id = d.regimen_id
		JOIN medications m ON m.id = r.medication_id WHERE d.id IN ? ORDER BY d.id`, ids).Scan(&out).Error
	return out, err
}

// toPatient queues a dose message for the patient's login (if any).
func toPatient(tx *gorm.DB, d doseInfo, kind, template string, now time.Time) error {
	if d.UserID == nil {
		return nil
	}
	key := fmt.Sprintf("dose:%d:%s:user:%d:push", d.ID, kind, *d.UserID)
	if kind == KindReReminder && d.SnoozeCount > 0 {
		// each snooze ends in a re-reminder of its own
		key = fmt.Sprintf("dose:%d:%s:snooze:%d:user:%d:push", d.ID, kind, d.SnoozeCount, *d.UserID)
	}
	n := &store.Notification{
		DedupeKey:   key,
		RecipientID: *d.UserID, Channel: "push", Kind: kind, Critical: d.Critical,
		PatientID: &d.PatientID, DoseID: &d.ID, NotBefore: now, CreatedAt: now,
	}
	_, err := store.Enqueue(tx, n, d.payload(template))
	return err
}

func (d doseInfo) payload(template string) store.OutboxPayload {
	return store.OutboxPayload{Template: template, PatientID: d.PatientID, PatientName: d.PatientName,
		Medication: d.Medication, DoseID: d.ID, LocalTime: d.LocalTime, TimeZone: d.TimeZone}
}

// claimedIDs runs a claim statement (UPDATE ... RETURNING id) and returns the ids.
func claimedIDs(tx *gorm.DB, sql string, args ...any) ([]int64, error) {
	var rows []struct{ ID int64 }
	if err := tx.Raw(sql, args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, nil
}
