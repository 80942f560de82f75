package store

import "time"

// Session kinds: API sessions (mobile apps, scripts) and dashboard sessions,
// which also end after a period of inactivity.
const (
	SessionAPI = "api"
	SessionWeb = "web"
)

// RefreshHistory remembers every refresh token a session rotated away from,
// so presenting one again is recognised as theft.
type RefreshHistory struct {
	Hash      string `gorm:"primaryKey"`
	SessionID string
	RotatedAt time.Time
}

// TableName keeps the table's singular name.
func (RefreshHistory) TableName() string { return "refresh_history" }

// LoginThrottle counts failed sign-ins for one key (client address, account,
// or the pair) and how long further attempts must wait.
type LoginThrottle struct {
	Key          string `gorm:"primaryKey"`
	Failures     int
	FirstAt      time.Time
	BlockedUntil *time.Time
}

// TableName keeps the table's singular name.
func (LoginThrottle) TableName() string { return "login_throttle" }

// ResetCode is an admin-issued one-time password reset code, stored hashed.
type ResetCode struct {
	ID        int64
	UserID    int64
	CodeHash  string
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

// RecoveryCode is a single-use MFA recovery code, stored hashed.
type RecoveryCode struct {
	ID       int64
	UserID   int64
	CodeHash string
	UsedAt   *time.Time
}

// BreakGlass is a physician's time-limited emergency access to a patient
// outside their care team.
type BreakGlass struct {
	ID          int64
	ClinicID    int64
	PatientID   int64
	PhysicianID int64
	Reason      string
	OpenedAt    time.Time
	ExpiresAt   time.Time
	EndedAt     *time.Time
}

// TableName keeps the table's singular name.
func (BreakGlass) TableName() string { return "break_glass" }
