package store

import "time"

// Care link states.
const (
	LinkPending  = "pending"
	LinkActive   = "active"
	LinkDeclined = "declined"
	LinkRevoked  = "revoked"
	LinkLeft     = "left"
)

// CareTeamMember puts a physician on a patient's care team.
type CareTeamMember struct {
	PatientID   int64 `gorm:"primaryKey;autoIncrement:false"`
	PhysicianID int64 `gorm:"primaryKey;autoIncrement:false"`
	CreatedAt   time.Time
}

// CareLink lets a caregiver see a patient and receive escalations, in
// EscalationOrder (1 first). Only an active link grants access.
type CareLink struct {
	ID              int64
	PatientID       int64
	CaregiverID     *int64 // nil while an invitation to an unknown email is pending
	InviteEmail     string
	EscalationOrder int
	State           string
	MutedUntil      *time.Time
	CreatedAt       time.Time
	AcceptedAt      *time.Time
	EndedAt         *time.Time
}
