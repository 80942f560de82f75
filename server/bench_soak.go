package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
)

// benchSoak runs "bench soak": replicas of the server on one Postgres (a
// schema of its own), a fleet of dispensers whose patients live one day on
// a clock running fast, replicas killed and restarted at random, and a
// check of the database at the end. The last line is the result.
func benchSoak(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := soakOptions{}
	fs.IntVar(&o.devices, "devices", 2000, "simulated dispensers (one patient and one caregiver each)")
	fs.IntVar(&o.replicas, "replicas", 3, "server replicas")
	fs.DurationVar(&o.day, "duration", 2*time.Minute, "wall-clock time the simulated day takes")
	fs.DurationVar(&o.killEvery, "kill-every", 15*time.Second, "mean wall-clock time between replica kills")
	fs.Float64Var(&o.miss, "miss", 0.15, "share of doses the patients miss")
	keep := fs.Bool("keep", false, "keep the soak schema")
	if fs.Parse(args) != nil || o.devices < 1 || o.replicas < 1 || o.day < 10*time.Second {
		return 2
	}
	cfg, ok := loadConfigOrExit(getenv, stderr)
	if !ok {
		return 2
	}
	cfg.LogLevel, cfg.Scheduler = "error", false
	setupLogging(cfg, stderr)
	dbURL, drop, err := benchDatabase(context.Background(), cfg.DatabaseURL, *keep)
	if err != nil {
		fmt.Fprintln(stderr, "bench soak:", err)
		return 1
	}
	defer drop()
	if cfg.DatabaseURL = dbURL; !strings.HasPrefix(dbURL, "postgres") {
		fmt.Fprintln(stderr, "bench soak: set DOSELOOP_DATABASE_URL to a postgres:// URL (replicas share one database)")
		return 2
	}
	if err := soak(cfg, o, stdout); err != nil {
		fmt.Fprintln(stderr, "bench soak:", err)
		return 1
	}
	return 0
}

type soakOptions struct {
	devices, replicas int
	day, killEvery    time.Duration
	miss              float64
}

// hooks counts webhook deliveries per X-DoseLoop-Delivery key.
type soakHooks struct {
	mu  sync.Mutex
	got map[string]int
}

func (h *soakHooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.got[r.Header.Get("X-DoseLoop-Delivery")]++
	h.mu.Unlock()
}

func soak(cfg Config, o soakOptions, stdout io.Writer) error {
	ctx := context.Background()
	hooks := &soakHooks{got: map[string]int{}}
	hs := httptest.NewServer(hooks)
	defer hs.Close()
	cfg.WebhookURL, cfg.WebhookSecret = hs.URL, []byte("soak-webhook-secret-0123")
	db, err := store.OpenMigrated(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer store.Close(db)
	sim0 := time.Now().UTC().Truncate(time.Hour)
	clinicID, devs, err := soakFleet(ctx, db, o.devices, sim0)
	if err != nil {
		return err
	}
	if _, err := schedule.ExtendHorizons(ctx, db, sim0, schedule.DefaultHorizon); err != nil {
		return err
	}
	clk := &fastClock{real0: time.Now(), sim0: sim0, speed: float64(24*time.Hour) / float64(o.day)}
	tick := time.Duration(float64(time.Minute) / clk.speed)
	cfg.dispatchLease = time.Duration(float64(10*time.Second) * clk.speed) // 10 real seconds
	bal := &balancer{up: map[string]bool{}}
	reps := make([]*replica, o.replicas)
	for i := range reps {
		if reps[i], err = startReplica(cfg, clk, "127.0.0.1:0", tick); err != nil {
			return err
		}
		bal.addrs = append(bal.addrs, reps[i].addr)
		bal.set(reps[i].addr, true)
	}
	lb := httptest.NewUnstartedServer(bal.handler())
	lb.Config.ErrorLog = log.New(io.Discard, "", 0)
	lb.Start()
	defer lb.Close()
	client := &http.Client{Timeout: 10 * time.Second}
	for _, d := range devs {
		d.BaseURL, d.HTTP, d.Now = lb.URL, client, clk.Now
	}
	load := &soakLoad{devs: devs, clk: clk, workers: 16}
	kctx, stopKills := context.WithCancel(ctx)
	kills := make(chan int)
	go func() { kills <- killLoop(kctx, cfg, clk, tick, reps, bal, o.killEvery) }()
	load.run(ctx, load.plan(sim0, o.miss)) // every planned event posted and answered
	for clk.Now().Before(sim0.Add(24 * time.Hour)) {
		time.Sleep(100 * time.Millisecond)
	}
	stopKills()
	restarts := <-kills
	clk.freeze()
	end := clk.Now()
	settle(db, end, 3*time.Minute)
	for _, r := range reps {
		r.kill()
	}
	return soakReport(ctx, db, clinicID, load, hooks, restarts, end, stdout)
}

// killLoop kills a random replica every ~killEvery and restarts it on the
// same address after a moment, until ctx ends; it returns the restarts.
func killLoop(ctx context.Context, cfg Config, clk *fastClock, tick time.Duration, reps []*replica, bal *balancer, every time.Duration) int {
	n := 0
	for {
		select {
		case <-ctx.Done():
			return n
		case <-time.After(time.Duration(float64(every) * (0.5 + rand.Float64()))):
		}
		i := rand.IntN(len(reps))
		addr := reps[i].addr
		bal.set(addr, false)
		reps[i].kill()
		time.Sleep(time.Duration(500+rand.IntN(1500)) * time.Millisecond)
		r, err := startReplica(cfg, clk, addr, tick)
		for err != nil && ctx.Err() == nil { // the port may linger a moment
			time.Sleep(200 * time.Millisecond)
			r, err = startReplica(cfg, clk, addr, tick)
		}
		if err != nil {
			r, _ = startReplica(cfg, clk, "127.0.0.1:0", tick)
		}
		reps[i] = r
		bal.set(addr, true)
		n++
	}
}
