package store

import "time"

// Notification states in the outbox.
const (
	NotifyPending = "pending"
	NotifySending = "sending"
	NotifySent    = "sent"
	NotifyDead    = "dead"
)

// Notification is an outbox row, written in the same transaction as the state
// change that caused it. DedupeKey (dose, step, recipient, channel) is unique,
// so a notification is queued at most once.
type Notification struct {
	ID          int64
	DedupeKey   string
	RecipientID int64
	Channel     string // push, webhook, log
	Kind        string // reminder, rereminder, escalation, device_offline, ...
	Critical    bool
	PatientID   *int64
	DoseID      *int64
	AlertID     *int64
	Payload     string // JSON: template name and parameters
	State       string
	Attempts    int
	NotBefore   time.Time
	LeaseUntil  *time.Time
	ProviderID  string
	LastError   string
	CreatedAt   time.Time
	SentAt      *time.Time
}

// PushToken is one app install's FCM registration token.
type PushToken struct {
	ID             int64
	UserID         int64
	Token          string `json:"-"`
	Platform       string
	AppVersion     string
	Locale         string
	SessionID      string
	LastSeenAt     time.Time
	DisabledAt     *time.Time
	DisabledReason string
	CreatedAt      time.Time
}

// AuditEntry records one access to patient data or one security event.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    *int64
	ClinicID   *int64
	Action     string
	PatientID  *int64
	ObjectType string
	ObjectID   string
	Outcome    string
	RequestID  string // the server's id for the request, never the client's
	Role       string
	IP         string
	UserAgent  string
	Detail     string // ids and reasons only, never health data
	ChainKey   int64  // the clinic whose hash chain holds the row (0: no clinic)
	PrevHash   string
	Hash       string
}

// TableName keeps the audit table's singular, log-like name.
func (AuditEntry) TableName() string { return "audit_log" }

// JobLease is a once-per-cluster lease for scheduler jobs.
type JobLease struct {
	Name       string `gorm:"primaryKey"`
	Holder     string
	LeaseUntil time.Time
}
