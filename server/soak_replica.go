package main

import (
	"context"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/schedule"
)

// fastClock runs simulated time speed times faster than the wall clock,
// from sim0; every replica of a soak shares one, as they share one clock
// in production.
type fastClock struct {
	real0, sim0 time.Time
	speed       float64
	frozen      atomic.Int64 // unix nanos once freeze is called
}

func (c *fastClock) Now() time.Time {
	if f := c.frozen.Load(); f != 0 {
		return time.Unix(0, f).UTC()
	}
	return c.sim0.Add(time.Duration(float64(time.Since(c.real0)) * c.speed)).UTC()
}

// freeze stops the clock, so the replicas can finish what is due without
// new work coming due.
func (c *fastClock) freeze() { c.frozen.Store(c.Now().UnixNano()) }

// replica is one in-process server: HTTP on a fixed address, the
// dispatcher loops, and a scheduler ticking every simulated minute.
// kill stops it abruptly: the listener and every open connection close at
// once and every job's context is cancelled mid-statement (their
// transactions roll back), then the database pool closes.
type replica struct {
	addr   string
	srv    *http.Server
	a      *app
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func startReplica(cfg Config, clk clock.Clock, addr string, tick time.Duration) (*replica, error) {
	a, err := newApp(context.Background(), cfg, clk, io.Discard)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		a.close()
		return nil, err
	}
	r := &replica{addr: ln.Addr().String(), a: a, srv: &http.Server{Handler: a.router()}}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go r.srv.Serve(ln)
	for _, w := range a.workers {
		r.wg.Add(1)
		go func() { defer r.wg.Done(); w.run(ctx) }()
	}
	s := schedule.New(a.db, clk)
	s.Log = a.log
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for t := time.NewTicker(tick); ctx.Err() == nil; <-t.C {
			s.Tick(ctx, clk.Now())
		}
	}()
	return r, nil
}

func (r *replica) kill() {
	r.srv.Close()
	r.cancel()
	r.wg.Wait()
	r.a.close()
}

// balancer spreads requests over the replicas that are up, like a load
// balancer routing on /readyz; a request to one that just died fails and
// the device retries.
type balancer struct {
	mu    sync.Mutex
	addrs []string
	up    map[string]bool
	n     atomic.Int64
}

func (b *balancer) set(addr string, up bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.up[addr] = up
}

func (b *balancer) pick() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	for range len(b.addrs) {
		a := b.addrs[int(b.n.Add(1))%len(b.addrs)]
		if b.up[a] {
			return a
		}
	}
	return b.addrs[rand.IntN(len(b.addrs))]
}

func (b *balancer) handler() http.Handler {
	return &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(&url.URL{Scheme: "http", Host: b.pick()})
	}}
}
