package sim

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sort"
	"sync"
	"time"
)

// Fleet runs simulated devices in real time against a server: each device
// pulls its schedule, "takes" due doses per the Profile, posts the events
// (buffering them while offline), retries some batches, and heartbeats.
type Fleet struct {
	Devices []*Device
	Profile Profile
	Tick    time.Duration // how often each device wakes up (default 30 s)
	Log     *slog.Logger
	Seed    uint64
}

// Run drives every device until ctx ends. Errors are logged, never fatal:
// a real fleet keeps going when the server is briefly down.
func (f *Fleet) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for i, d := range f.Devices {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(f.Seed, uint64(i)))
			d.Skew = f.Profile.Skew(r)
			f.runDevice(ctx, d, r)
		}()
	}
	wg.Wait()
}

type pendingTake struct {
	at   time.Time
	comp int
}

func (f *Fleet) runDevice(ctx context.Context, d *Device, r *rand.Rand) {
	tick := f.Tick
	if tick <= 0 {
		tick = 30 * time.Second
	}
	log := f.Log
	if log == nil {
		log = slog.Default()
	}
	var (
		etag     string
		handled  = map[int64]bool{}
		plan     []pendingTake
		outbox   []Event
		offline  time.Time
		lastBeat time.Time
		battery  = 60 + r.IntN(40)
	)
	// Stagger the devices so they do not all call at once.
	timer := time.NewTimer(time.Duration(r.Int64N(int64(tick))))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		timer.Reset(tick)
		now := d.now()
		if now.Before(offline) {
			plan, outbox = f.due(d, plan, outbox, now)
			continue
		}
		if r.Float64() < f.Profile.OfflineChance {
			offline = now.Add(f.Profile.OfflineFor/2 + time.Duration(r.Int64N(int64(f.Profile.OfflineFor)+1)))
			log.Info("simulated dispenser offline", "serial", d.Serial, "until", offline.Format(time.RFC3339))
			continue
		}
		if now.Sub(lastBeat) >= 5*time.Minute {
			if battery > 5 && r.IntN(10) == 0 {
				battery--
			}
			if err := d.Heartbeat(ctx, battery, "2.4.0-sim", -60-r.IntN(30)); err == nil {
				lastBeat = now
			}
		}
		if s, tag, err := d.Schedule(ctx, etag); err != nil {
			log.Warn("simulated dispenser: schedule", "serial", d.Serial, "err", err)
		} else if s != nil {
			etag = tag
			for _, c := range s.Compartments {
				for _, dose := range c.Doses {
					if !handled[dose.DoseID] && dose.State == "pending" {
						handled[dose.DoseID] = true
						for _, at := range f.Profile.TakeTimes(r, dose.ScheduledAt) {
							plan = append(plan, pendingTake{at: at, comp: c.Compartment})
						}
					}
				}
			}
		}
		plan, outbox = f.due(d, plan, outbox, now)
		outbox = f.flush(ctx, d, r, outbox, log)
	}
}

// due moves takes whose time has come into the outbox as dose_taken events.
func (f *Fleet) due(d *Device, plan []pendingTake, outbox []Event, now time.Time) ([]pendingTake, []Event) {
	sort.Slice(plan, func(i, j int) bool { return plan[i].at.Before(plan[j].at) })
	n := 0
	for n < len(plan) && !plan[n].at.After(now) {
		outbox = append(outbox, d.NewEvent("dose_taken", plan[n].at.Add(d.Skew), plan[n].comp))
		n++
	}
	return plan[n:], outbox
}

// flush posts the outbox in batches of up to 100; a batch whose answer is
// "lost" is posted again, as firmware does after a timeout.
func (f *Fleet) flush(ctx context.Context, d *Device, r *rand.Rand, outbox []Event, log *slog.Logger) []Event {
	for len(outbox) > 0 {
		n := min(len(outbox), 100)
		a, err := d.PostEvents(ctx, outbox[:n])
		if err == nil && r.Float64() < f.Profile.RetryChance {
			a, err = d.PostEvents(ctx, outbox[:n])
		}
		if err != nil {
			log.Warn("simulated dispenser: post events", "serial", d.Serial, "err", err)
			return outbox
		}
		log.Debug("simulated dispenser posted", "serial", d.Serial, "accepted", a.Accepted, "duplicates", a.Duplicates)
		outbox = outbox[n:]
	}
	return outbox
}
