package sim

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// Load drives walkers over real HTTP: Concurrency workers post batches of
// Batch events, closed-loop (as fast as answers come) or at Rate requests/s.
// A failed post is retried with the same batch until it is answered, the
// way firmware does; RetryChance re-posts some answered batches on purpose.
type Load struct {
	Walkers     []*Walker
	Batch       int
	Concurrency int
	Duration    time.Duration
	Rate        float64 // requests per second; 0 = as fast as possible
	RetryChance float64
	// GiveUp is how long a batch is retried before it counts as an error.
	GiveUp time.Duration
}

// LoadResult is what a Load run measured. Acked holds every event id the
// server answered accepted or duplicate (so it must be stored), per serial.
type LoadResult struct {
	Requests, Events, Errors, Retried int
	Elapsed                           time.Duration
	Latencies                         []time.Duration
	Acked                             map[string]IDSet
	Sent                              map[string]IDSet // every id posted, answered or not
}

// Run runs the load until Duration passes (or ctx ends).
func (l *Load) Run(ctx context.Context) *LoadResult {
	res := &LoadResult{Acked: map[string]IDSet{}, Sent: map[string]IDSet{}}
	for _, w := range l.Walkers {
		res.Acked[w.Device.Serial], res.Sent[w.Device.Serial] = IDSet{}, IDSet{}
	}
	ctx, cancel := context.WithTimeout(ctx, l.Duration)
	defer cancel()
	var tokens chan struct{}
	if l.Rate > 0 {
		tokens = make(chan struct{}, l.Concurrency)
		go pace(ctx, l.Rate, tokens)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for i := range l.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.worker(ctx, i, tokens, res, &mu)
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	return res
}

func pace(ctx context.Context, rate float64, tokens chan<- struct{}) {
	interval := time.Duration(float64(time.Second) / rate)
	next := time.Now()
	for {
		next = next.Add(interval)
		if d := time.Until(next); d > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(d):
			}
		}
		select {
		case tokens <- struct{}{}:
		case <-ctx.Done():
			return
		}
	}
}

// worker owns walkers i, i+Concurrency, ... so each device's events stay in order.
func (l *Load) worker(ctx context.Context, i int, tokens <-chan struct{}, res *LoadResult, mu *sync.Mutex) {
	var mine []*Walker
	for j := i; j < len(l.Walkers); j += l.Concurrency {
		mine = append(mine, l.Walkers[j])
	}
	if len(mine) == 0 {
		return
	}
	r := rand.New(rand.NewPCG(uint64(i), 99))
	for n := 0; ctx.Err() == nil; n++ {
		if tokens != nil {
			select {
			case <-tokens:
			case <-ctx.Done():
				return
			}
		}
		w := mine[n%len(mine)]
		batch := w.Next(l.Batch)
		mu.Lock()
		for _, ev := range batch {
			res.Sent[w.Device.Serial].Add(ev.ID)
		}
		mu.Unlock()
		lat, acked, tries, ok := l.post(ctx, w.Device, batch)
		repost := ok && r.Float64() < l.RetryChance
		if repost {
			_, _, _, _ = l.post(ctx, w.Device, batch)
		}
		mu.Lock()
		res.Requests++
		res.Retried += tries - 1
		if repost {
			res.Retried++
		}
		if ok {
			res.Events += len(batch)
			res.Latencies = append(res.Latencies, lat)
			for _, id := range acked {
				res.Acked[w.Device.Serial].Add(id)
			}
		} else {
			res.Errors++
		}
		mu.Unlock()
	}
}

// post sends a batch until it is answered (or GiveUp passes), returning the
// latency of the answered attempt and the acknowledged ids.
func (l *Load) post(ctx context.Context, d *Device, batch []Event) (time.Duration, []string, int, bool) {
	deadline := time.Now().Add(max(l.GiveUp, time.Second))
	// The run's own deadline must not cut an answered-or-not batch short
	// mid-flight: finish it on a context of its own.
	pctx := context.WithoutCancel(ctx)
	for tries := 1; ; tries++ {
		t := time.Now()
		a, err := d.PostEvents(pctx, batch)
		if err == nil {
			ids := make([]string, 0, len(a.Results))
			for _, r := range a.Results {
				if r.Status == "accepted" || r.Status == "duplicate" {
					ids = append(ids, r.ID)
				}
			}
			return time.Since(t), ids, tries, true
		}
		if time.Now().After(deadline) {
			return 0, nil, tries, false
		}
		time.Sleep(100 * time.Millisecond)
	}
}
