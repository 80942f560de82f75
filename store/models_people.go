package store

import "time"

// Roles a user can have. A user has exactly one.
const (
	RoleAdmin     = "admin"
	RolePhysician = "physician"
	RoleCaregiver = "caregiver"
	RolePatient   = "patient"
)

// Clinic is a tenant: every user, patient, medication and dispenser belongs to one.
type Clinic struct {
	ID       int64
	Name     string
	TimeZone string
	// RequireMFA makes TOTP mandatory for the clinic's physicians and admins.
	RequireMFA bool `gorm:"column:require_mfa"`
	CreatedAt  time.Time
}

// User is anyone who signs in: clinic admin, physician, caregiver or patient.
type User struct {
	ID                int64
	ClinicID          int64
	Email             string
	Name              string
	Role              string
	PasswordHash      string `json:"-"`
	Locale            string
	QuietStart        string // "HH:MM" local, empty for none
	QuietEnd          string
	LockScreenPrivate bool // hide drug names on the lock screen
	FailedLogins      int
	LockedUntil       *time.Time
	DisabledAt        *time.Time
	// MustChangePassword admits the user only to the password-change endpoints.
	MustChangePassword bool
	TOTPSecret         string     `gorm:"column:totp_secret" json:"-"`
	TOTPEnabledAt      *time.Time `gorm:"column:totp_enabled_at"`
	TOTPLastStep       int64      `gorm:"column:totp_last_step"` // last accepted 30 s step: a code works once
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Session is one sign-in: a revocable refresh token, stored hashed.
type Session struct {
	ID          string
	UserID      int64
	RefreshHash string
	UserAgent   string
	Kind        string // SessionAPI or SessionWeb (the dashboard: idle timeout applies)
	IP          string
	CreatedAt   time.Time
	LastUsedAt  time.Time
	ExpiresAt   time.Time
	RevokedAt   *time.Time
}

// Patient is a person taking medication. UserID is set when the patient has a login.
type Patient struct {
	ID           int64
	ClinicID     int64
	UserID       *int64
	Name         string
	BirthDate    string // YYYY-MM-DD
	TimeZone     string // IANA zone the patient is in now
	HomeTimeZone string // IANA zone regimens were written for
	TravelPolicy string // "home" or "local"
	// EscalationPolicy is JSON describing the escalation ladder; empty means the default.
	EscalationPolicy string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// PatientAbsence is a period the patient was away or hospitalised; reports
// exclude its doses (dose_instances.excluded, absence_id).
type PatientAbsence struct {
	ID        int64
	PatientID int64
	StartsAt  time.Time
	EndsAt    time.Time
	Reason    string     // free text, e.g. "knee surgery"
	Kind      string     `gorm:"default:away"` // AbsenceAway or AbsenceHospitalised
	CreatedBy *int64     // the user who recorded it
	CreatedAt *time.Time // nil for rows written before migration 00100
}

// Absence kinds: reminders and escalations pause during a hospital stay.
const (
	AbsenceAway         = "away"
	AbsenceHospitalised = "hospitalised"
)
