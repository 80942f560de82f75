package main

import (
	"context"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/dispenser/sim"
)

// soakLoad is the fleet's day: each patient takes each dose within 30
// minutes of its time, except a share of misses; every dispenser posts its
// event when the simulated clock reaches it, and retries until answered.
type soakLoad struct {
	devs    []*sim.Device
	clk     clock.Clock
	workers int

	mu            sync.Mutex
	acked, sent   map[string]sim.IDSet
	lat           []time.Duration
	errors, posts int
}

type soakEvent struct {
	at  time.Time
	dev *sim.Device
}

// plan lists the day's dose-taken events from sim0, in time order.
func (l *soakLoad) plan(sim0 time.Time, missShare float64) []soakEvent {
	r := rand.New(rand.NewPCG(1, 2))
	var evs []soakEvent
	for _, d := range l.devs {
		for h := 2; h < 24; h += 6 {
			if r.Float64() >= missShare {
				evs = append(evs, soakEvent{sim0.Add(time.Duration(h)*time.Hour + time.Duration(r.IntN(30))*time.Minute), d})
			}
		}
	}
	sort.Slice(evs, func(i, j int) bool { return evs[i].at.Before(evs[j].at) })
	return evs
}

// run posts the planned events as their time comes, until ctx ends.
func (l *soakLoad) run(ctx context.Context, evs []soakEvent) {
	l.acked, l.sent = map[string]sim.IDSet{}, map[string]sim.IDSet{}
	for _, d := range l.devs {
		l.acked[d.Serial], l.sent[d.Serial] = sim.IDSet{}, sim.IDSet{}
	}
	jobs := make(chan soakEvent)
	var wg sync.WaitGroup
	for range l.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range jobs {
				l.post(e)
			}
		}()
	}
	for _, e := range evs {
		for l.clk.Now().Before(e.at) && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		if ctx.Err() != nil {
			break
		}
		jobs <- e
	}
	close(jobs)
	wg.Wait()
}

// post sends one event until the server answers (a device's firmware
// retries the same event id, so a retry is a duplicate, never a copy).
func (l *soakLoad) post(e soakEvent) {
	ev := e.dev.NewEvent("dose_taken", e.at, 1)
	l.mu.Lock()
	l.sent[e.dev.Serial].Add(ev.ID)
	l.mu.Unlock()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		t := time.Now()
		a, err := e.dev.PostEvents(context.Background(), []sim.Event{ev})
		l.mu.Lock()
		l.posts++
		if err == nil {
			l.lat = append(l.lat, time.Since(t))
			for _, r := range a.Results {
				if r.Status == "accepted" || r.Status == "duplicate" {
					l.acked[e.dev.Serial].Add(r.ID)
				}
			}
		}
		l.mu.Unlock()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			l.mu.Lock()
			l.errors++
			l.mu.Unlock()
			return
		}
	}
}

// p99 is the 99th percentile latency of answered posts, in milliseconds.
func (l *soakLoad) p99() float64 {
	if len(l.lat) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), l.lat...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return float64(s[len(s)*99/100].Microseconds()) / 1000
}
