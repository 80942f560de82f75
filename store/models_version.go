package store

import "time"

// RegimenVersion is one immutable prescription of a regimen: what a dose
// scheduled under it is (medication, quantity, timing, bounds, windows,
// criticality). A change to any of these makes a new version; doses keep
// pointing at the version they were scheduled under, so a past dose's
// medication and quantity never change.
type RegimenVersion struct {
	ID              int64
	RegimenID       int64
	Version         int // 1, 2, ... per regimen
	MedicationID    int64
	DoseQuantity    float64
	DoseUnit        string
	Timing          string
	AsNeeded        bool
	OnTimeWindowMin int // also the early recording limit: minutes before due
	GraceMin        int
	LateLimitMin    int // the late recording limit: minutes after due
	Critical        bool
	StartsAt        time.Time
	EndsAt          *time.Time
	EffectiveFrom   time.Time // when this version took over from the previous one
	CreatedBy       *int64
	CreatedAt       time.Time
}

// DoseHistory is one append-only row of a dose's history: a change of state
// (or a reminder, snooze, exclusion), who made it and why. Rows are never
// updated or deleted (the database refuses); a correction is a new row whose
// CorrectsID names the row it corrects.
type DoseHistory struct {
	ID          int64
	DoseID      int64
	FromState   string
	ToState     string
	At          time.Time
	ActorUserID *int64
	DispenserID *int64
	Source      string // patient, caregiver, physician, dispenser, system
	Reason      string
	CorrectsID  *int64
}

// TableName keeps GORM from pluralising.
func (DoseHistory) TableName() string { return "dose_history" }

// Dose history events beyond the dose states above.
const (
	HistScheduled   = "scheduled"
	HistReminded    = "reminded"
	HistSnoozed     = "snoozed"
	HistDoubleDose  = "double_dose"
	HistExcluded    = "excluded"
	HistRescheduled = "rescheduled"
)

// History sources.
const (
	SourcePatient   = "patient"
	SourceCaregiver = "caregiver"
	SourcePhysician = "physician"
	SourceDispenser = "dispenser"
	SourceSystem    = "system"
)
