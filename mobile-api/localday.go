package mobileapi

import (
	"time"

	"gorm.io/gorm"
)

// maxLateTake bounds how long after its due instant a dose can be taken:
// the longest late limit a regimen version may set (7 days), plus a day.
const maxLateTake = 8 * 24 * time.Hour

// onLocalDate narrows db to the patient's doses of local date (YYYY-MM-DD).
// The scheduled_at range lets dose_instances_patient_idx (patient_id,
// scheduled_at) serve it on Postgres, which has no (patient_id,
// local_date) index (migration 00230): in any zone (UTC−12 to UTC+14) a
// local date D lies within [D 00:00 − 14 h, D + 1 day + 12 h] UTC; the
// range is a day wider on each side, correctness first.
func onLocalDate(db *gorm.DB, patientID int64, date string) *gorm.DB {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil { // dates are validated before; keep the exact filter alone
		return db.Where("patient_id = ? AND local_date = ?", patientID, date)
	}
	return db.Where("patient_id = ? AND local_date = ? AND scheduled_at >= ? AND scheduled_at < ?",
		patientID, date, d.AddDate(0, 0, -1), d.AddDate(0, 0, 2))
}
