package notify

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/faults/crashpoint"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// Channels an outbox row can name.
const (
	ChannelPush    = "push"
	ChannelWebhook = "webhook"
	ChannelLog     = "log"
)

// Dispatcher drains the outbox: claim → dedup → send with retry → record.
// The zero values of the tuning fields take the defaults below.
type Dispatcher struct {
	DB    *gorm.DB
	Clock clock.Clock
	// Push is the FCM channel. Nil (no credentials) sends push rows to Log,
	// recorded as delivered-to-log with a "log:" provider id.
	Push Notifier
	// Webhook is the webhook channel; nil makes webhook rows dead with
	// reason "webhook_not_configured".
	Webhook Notifier
	// Log receives channel "log" rows, and push rows when Push is nil.
	Log Notifier

	Lease       time.Duration // default 2m; must exceed SendTimeout
	SendTimeout time.Duration // per device send, default 30s
	Batch       int           // rows per claim, default 100
	Senders     int           // concurrent sends per Tick, default 16
	Backoff     Backoff       // default DefaultBackoff
	Rand        func() float64
	Logger      *slog.Logger
	// Observe, when set, is told of every Tick's counts (for metrics).
	Observe func(st Stats, took time.Duration, err error)
	// FallbackAfter sends a critical escalation by webhook, once, when its
	// push has failed this long (0: never; DOSELOOP_FALLBACK_AFTER).
	FallbackAfter time.Duration
	// OutageGiveUp is how long a row waits out a provider outage before it
	// is dead (default 24h).
	OutageGiveUp time.Duration
	pushDown     breaker

	// beforeRecord lets tests stop a Tick between send and record, the
	// crash window doc.go describes.
	beforeRecord func(store.Notification) error
	once         sync.Once
}

// Stats counts what one Tick did.
type Stats struct {
	Claimed, Sent, Retried, Dead, Deferred, FellBack int
}

func (d *Dispatcher) defaults() {
	d.once.Do(func() {
		if d.Lease == 0 {
			d.Lease = 2 * time.Minute
		}
		if d.SendTimeout == 0 {
			d.SendTimeout = 30 * time.Second
		}
		if d.Batch == 0 {
			d.Batch = 100
		}
		if d.Senders == 0 {
			d.Senders = 16
		}
		if d.Backoff == (Backoff{}) {
			d.Backoff = DefaultBackoff
		}
		if d.Rand == nil {
			d.Rand = rand.Float64
		}
		if d.OutageGiveUp == 0 {
			d.OutageGiveUp = 24 * time.Hour
		}
		if d.Logger == nil {
			d.Logger = slog.Default()
		}
		if d.Log == nil {
			d.Log = LogNotifier{Logger: d.Logger}
		}
	})
}

// Tick claims one batch of due rows, sends them with up to Senders at a
// time, and records each outcome as soon as it is known.
func (d *Dispatcher) Tick(ctx context.Context) (Stats, error) {
	d.defaults()
	rows, err := Claim(ctx, d.DB, d.Clock.Now(), d.Lease, d.Batch)
	if err != nil || len(rows) == 0 {
		return Stats{}, err
	}
	recips, err := loadRecipients(ctx, d.DB, rows)
	if err != nil {
		return Stats{Claimed: len(rows)}, err // the lease expires and the rows come back
	}
	targets, err := loadTargets(ctx, d.DB, rows)
	if err != nil {
		return Stats{Claimed: len(rows)}, err
	}
	obsolete, err := loadObsolete(ctx, d.DB, rows)
	if err != nil {
		return Stats{Claimed: len(rows)}, err
	}
	outcomes := make([]outcome, len(rows))
	var wg sync.WaitGroup
	slots := make(chan struct{}, d.Senders)
	for i, row := range rows {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			if obsolete[row.ID] {
				outcomes[i] = dead(ReasonObsolete)
				return
			}
			outcomes[i] = d.process(ctx, row, recips, targets[row.RecipientID])
		}()
	}
	wg.Wait()
	crashpoint.Hit("notify.before_record") // crash tests: the at-least-once window
	return d.recordAll(context.WithoutCancel(ctx), rows, outcomes)
}

func (s *Stats) count(state string) {
	switch state {
	case outcomeSent:
		s.Sent++
	case outcomeRetry:
		s.Retried++
	case outcomeDead:
		s.Dead++
	case outcomeDeferred, outcomeWaiting:
		s.Deferred++
	case outcomeFallback:
		s.FellBack++
	}
}

// Run ticks until ctx ends: straight on while batches come back full,
// otherwise after idle. Run several for more concurrency; claims never overlap.
func (d *Dispatcher) Run(ctx context.Context, idle time.Duration) error {
	d.defaults()
	fails := 0
	for {
		start := time.Now()
		st, err := d.Tick(ctx)
		if d.Observe != nil {
			d.Observe(st, time.Since(start), err)
		}
		switch {
		case err != nil && ctx.Err() == nil:
			fails++
			d.Logger.Error("notify: dispatch tick", "err", err, "failures_in_a_row", fails)
		case err == nil:
			fails = 0
		}
		if st.Claimed == d.Batch && err == nil {
			continue
		}
		t := time.NewTimer(errorWait(idle, fails))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}
