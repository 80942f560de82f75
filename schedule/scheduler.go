package schedule

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/faults/crashpoint"
	"gorm.io/gorm"
)

// Scheduler runs the schedule's background jobs. Every replica may run one:
// minute jobs claim rows with FOR UPDATE SKIP LOCKED and the nightly job
// holds a lease, so nothing is done twice.
type Scheduler struct {
	DB      *gorm.DB
	Clock   clock.Clock
	Holder  string        // this replica's name in job_leases
	Horizon time.Duration // how far ahead doses exist (DefaultHorizon)
	// PreReminder sends a heads-up this long before a dose is due (0: off).
	PreReminder time.Duration
	// ReRemindAfter is when the one re-reminder follows an unanswered
	// reminder (default 15 min; negative: off). A snooze moves it.
	ReRemindAfter time.Duration
	// Batch is how many rows one claim statement takes (default 500).
	Batch int
	Log   *slog.Logger
	// Observe, when set, is told of every job run (for metrics).
	Observe func(job string, rows int, took time.Duration, err error)
}

// New returns a Scheduler with the defaults and a random holder name.
func New(db *gorm.DB, clk clock.Clock) *Scheduler {
	b := make([]byte, 6)
	rand.Read(b)
	return &Scheduler{DB: db, Clock: clk, Holder: "sched-" + hex.EncodeToString(b), Horizon: DefaultHorizon,
		ReRemindAfter: 15 * time.Minute, Batch: 500, Log: slog.Default()}
}

// Tick runs every minute job once for instant now, in dependency order:
// outages first (so doses due while a dispenser is silent are not escalated
// as missed), then reminders, the missed sweep and the escalation ladder.
func (s *Scheduler) Tick(ctx context.Context, now time.Time) error {
	var errs []error
	for _, job := range []struct {
		name string
		run  func(context.Context, time.Time) (int, error)
	}{
		{"offline", s.CheckOffline}, {"prereminders", s.PreRemind}, {"reminders", s.Remind},
		{"rereminders", s.ReRemind}, {"missed", s.SweepMissed}, {"escalate", s.Escalate},
	} {
		start := time.Now() // wall time on purpose: this measures work, not the schedule's clock
		n, err := job.run(ctx, now)
		if s.Observe != nil {
			s.Observe(job.name, n, time.Since(start), err)
		}
		if err != nil {
			s.Log.Error("schedule job failed", "job", job.name, "err", err)
			errs = append(errs, err)
		} else if n > 0 {
			s.Log.Debug("schedule job", "job", job.name, "rows", n)
		}
	}
	return errors.Join(errs...)
}

// Nightly extends every horizon and cleans up, once per cluster (lease).
func (s *Scheduler) Nightly(ctx context.Context, now time.Time) error {
	ok, err := AcquireLease(ctx, s.DB, "schedule.nightly", s.Holder, now, 30*time.Minute)
	if err != nil || !ok {
		return err
	}
	if _, err := ExtendHorizons(ctx, s.DB, now, s.Horizon); err != nil {
		return err
	}
	return Cleanup(ctx, s.DB, now)
}

// drain repeats claim until a batch comes back short, so one tick clears a
// backlog (each batch is its own transaction).
func (s *Scheduler) drain(ctx context.Context, claim func(tx *gorm.DB) (int, error)) (int, error) {
	total := 0
	for {
		var n int
		err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var err error
			n, err = claim(tx)
			if n > 0 {
				crashpoint.Hit("schedule.batch") // crash tests: claimed, not committed
			}
			return err
		})
		total += n
		if err != nil || n < s.batch() || ctx.Err() != nil {
			return total, err
		}
	}
}

func (s *Scheduler) batch() int {
	if s.Batch <= 0 {
		return 500
	}
	return s.Batch
}
