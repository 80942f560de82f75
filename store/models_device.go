package store

import "time"

// Dispenser is a connected pill dispenser, identified by serial and
// authenticated by its Ed25519 public key (base64). Revoked devices are refused.
type Dispenser struct {
	ID                 int64
	ClinicID           int64
	Serial             string
	PublicKey          string
	PatientID          *int64
	Model              string
	HeartbeatIntervalS int
	RevokedAt          *time.Time
	LastSeenAt         *time.Time
	BatteryPct         *int
	Firmware           string
	SignalDbm          *int
	LastSeq            int64
	CreatedAt          time.Time
	UpdatedAt          time.Time

	// NextPublicKey is a rotation in progress: it verifies beside PublicKey
	// until the first request signed with it retires PublicKey ('' if none).
	NextPublicKey string
	// LastHeartbeatTs is the X-Dispenser-Timestamp of the last accepted
	// heartbeat; a heartbeat must carry a newer one (replay protection).
	LastHeartbeatTs int64
}

// DispenserOutage is a period a dispenser was silent beyond its expected interval.
type DispenserOutage struct {
	ID          int64
	DispenserID int64
	PatientID   *int64
	StartedAt   time.Time
	DetectedAt  time.Time
	EndedAt     *time.Time
}

// Dose event types a dispenser may report.
const (
	EventDoseTaken         = "dose_taken"
	EventDoseMissed        = "dose_missed"
	EventCompartmentOpened = "compartment_opened"
	EventRefillLow         = "refill_low"
	EventTamper            = "tamper"
	EventBatteryLow        = "battery_low"
	EventError             = "error"
)

// DoseEvent is what a dispenser reported, stored as received. Unique per
// (dispenser, device event id), so a retried batch writes nothing new.
type DoseEvent struct {
	ID            int64
	DispenserID   int64
	DeviceEventID string
	Type          string
	OccurredAt    time.Time
	ReceivedAt    time.Time
	Compartment   *int
	Quantity      *float64
	Seq           *int64
	Details       string
	DoseID        *int64
	Flag          string // "", "unmatched", "double_dose"
}
