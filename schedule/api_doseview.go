package schedule

import (
	"time"

	"github.com/doseloop/doseloop/store"
)

// DoseView is a dose as the physician API shows it after a correction.
type DoseView struct {
	ID          int64      `json:"id"`
	PatientID   int64      `json:"patient_id"`
	RegimenID   int64      `json:"regimen_id"`
	VersionID   *int64     `json:"version_id"`
	ScheduledAt time.Time  `json:"scheduled_at"`
	LocalDate   string     `json:"local_date"`
	LocalTime   string     `json:"local_time"`
	State       string     `json:"state"`
	OnTime      *bool      `json:"on_time"`
	TakenAt     *time.Time `json:"taken_at"`
	Source      string     `json:"source"`
	SkipReason  string     `json:"skip_reason"`
	Corrected   bool       `json:"corrected"`
	Excluded    bool       `json:"excluded"`
}

func doseView(d *store.DoseInstance) DoseView {
	return DoseView{ID: d.ID, PatientID: d.PatientID, RegimenID: d.RegimenID, VersionID: d.VersionID,
		ScheduledAt: d.ScheduledAt, LocalDate: d.LocalDate, LocalTime: d.LocalTime, State: d.State, OnTime: d.OnTime,
		TakenAt: d.TakenAt, Source: d.Source, SkipReason: d.SkipReason, Corrected: d.Corrected, Excluded: d.Excluded}
}
