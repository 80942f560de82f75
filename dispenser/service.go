package dispenser

import (
	"time"

	"github.com/doseloop/doseloop/clock"
	"gorm.io/gorm"
)

// LateTakeLimit is how long after a dose's grace period a dose_taken event
// still counts as that dose taken late (rather than an extra, unmatched dose).
const LateTakeLimit = 4 * time.Hour

// MaxBatch is the most events one POST /v1/dispenser/events may carry.
const MaxBatch = 500

// MaxBody is the body limit of device requests.
const MaxBody = 1 << 20

// MaxEventAge is how old an event may be; older ones are rejected (a device
// whose clock was never set reports 1970).
const MaxEventAge = 90 * 24 * time.Hour

// Service is the dispenser feature: device API and admin provisioning.
type Service struct {
	DB    *gorm.DB
	Clock clock.Clock
	// PerEventMatching switches ingestion to one query per event; it exists
	// only so the benchmark can measure what the set-based path saves.
	PerEventMatching bool
	// SeenEvery throttles the last_seen_at write of non-heartbeat requests.
	SeenEvery time.Duration
}

// New returns a Service on db with clk as its clock.
func New(db *gorm.DB, clk clock.Clock) *Service {
	return &Service{DB: db, Clock: clk, SeenEvery: 10 * time.Second}
}
