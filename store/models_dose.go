package store

import "time"

// Dose instance states; see package schedule for the state machine.
const (
	DosePending   = "pending"
	DoseTaken     = "taken"
	DoseMissed    = "missed"
	DoseSkipped   = "skipped"
	DoseCancelled = "cancelled" // a regimen change replaced this future dose
)

// Medication is a drug in a clinic's formulary.
type Medication struct {
	ID             int64
	ClinicID       int64
	Name           string
	Strength       string
	Form           string
	RxnormCode     string
	Antiretroviral bool
	CreatedAt      time.Time
}

// Regimen is how a patient takes one medication. Timing is JSON modelled on
// FHIR R4 Timing.repeat; its wall-clock times are in the patient's zone.
type Regimen struct {
	ID              int64
	PatientID       int64
	MedicationID    int64
	DoseQuantity    float64
	DoseUnit        string
	Timing          string
	AsNeeded        bool
	OnTimeWindowMin int
	GraceMin        int
	Critical        bool
	Compartment     *int
	LateLimitMin    int // how long after due a patient or caregiver may still record the dose
	StartsAt        time.Time
	EndsAt          *time.Time
	StoppedAt       *time.Time
	ExpandedUntil   *time.Time
	// CurrentVersionID is the regimen_versions row new doses are scheduled
	// under; the columns above mirror it (plus the live stop/expansion state).
	CurrentVersionID *int64
	CreatedBy        *int64
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// DoseInstance is one scheduled (or, for PRN, logged) dose. A scheduled
// dose's identity is (VersionID, NominalDate, Slot), unique, so expansion
// is idempotent and two slots that meet at one instant on a DST day stay
// two doses; ScheduledAt is derived and may move (zone change). PRN doses
// and doses written before migration 00100 have no slot and are unique per
// (regimen, instant). The row is the current projection of its dose_history.
type DoseInstance struct {
	ID                int64
	PatientID         int64
	RegimenID         int64
	ScheduledAt       time.Time
	LocalDate         string // YYYY-MM-DD in the patient's zone at expansion
	LocalTime         string // HH:MM
	State             string
	OnTime            *bool
	TakenAt           *time.Time
	Source            string // dispenser, patient, caregiver
	SkipReason        string
	DoubleDose        bool
	DuringOutage      bool
	DispenserReported bool
	RemindedAt        *time.Time
	RemindedAgainAt   *time.Time `gorm:"column:rereminded_at"`
	SnoozedUntil      *time.Time
	SnoozeCount       int
	MissedAt          *time.Time
	VersionID         *int64 // the regimen version this dose was prescribed under
	NominalDate       string // YYYY-MM-DD: the schedule's local date of the slot (identity)
	Slot              *int   // the slot of that date (identity); nil for PRN and pre-00100 doses
	Corrected         bool   // a care-team physician corrected the recorded outcome
	Excluded          bool   // inside a recorded absence: left out of adherence
	AbsenceID         *int64 // the absence that excludes it
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Alert kinds.
const (
	AlertMissedDose    = "missed_dose"
	AlertDeviceOffline = "device_offline"
)

// Alert is an open escalation: a missed dose or an offline dispenser. NextStep
// and NextAt say which ladder step fires next; a closed alert fires nothing.
type Alert struct {
	ID             int64
	PatientID      int64
	Kind           string
	DoseID         *int64
	DispenserID    *int64
	Critical       bool
	OpenedAt       time.Time
	NextStep       int
	NextAt         *time.Time
	ClosedAt       *time.Time
	CloseReason    string
	AcknowledgedBy *int64
	AcknowledgedAt *time.Time
}
