package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/dispenser/benchfleet"
	"github.com/doseloop/doseloop/dispenser/sim"
	"github.com/doseloop/doseloop/store"
)

// benchIngest runs "bench ingest": it starts the server in-process on a
// loopback port against DOSELOOP_DATABASE_URL (in a schema of its own,
// dropped afterwards), provisions simulated dispensers with three months of
// doses, drives them over real HTTP, and checks the database afterwards.
// The last line is the result; the exit code is 1 when anything was lost.
func benchIngest(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	batch := fs.Int("batch", 100, "events per request (1..500)")
	devices := fs.Int("devices", 100, "simulated dispensers")
	dur := fs.Duration("duration", 15*time.Second, "how long to drive load")
	conc := fs.Int("concurrency", 8, "concurrent device connections")
	rate := fs.Float64("rate", 0, "requests per second (0 = as fast as answers come)")
	matching := fs.String("matching", "set", "set (one statement per batch) or per-event (reference)")
	retry := fs.Float64("retry", 0.02, "share of answered batches posted again (duplicates)")
	keep := fs.Bool("keep", false, "keep the benchmark schema")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the load phase (server and load generator) to this file")
	refDur := fs.Duration("ref-duration", 5*time.Second, "how long to measure the raw insert reference")
	if err := fs.Parse(args); err != nil || *batch < 1 || *batch > 500 || *devices < 1 || *conc < 1 ||
		(*matching != "set" && *matching != "per-event") {
		fmt.Fprintln(stderr, "usage: doseloop bench ingest [-batch 100] [-devices 100] [-duration 15s] [-concurrency 8] [-rate 0] [-matching set|per-event]")
		return 2
	}
	cfg, ok := loadConfigOrExit(getenv, stderr)
	if !ok {
		return 2
	}
	cfg.LogLevel, cfg.Scheduler = "warn", false
	setupLogging(cfg, stderr)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dbURL, drop, err := benchDatabase(ctx, cfg.DatabaseURL, *keep)
	if err != nil {
		fmt.Fprintln(stderr, "doseloop: bench ingest:", err)
		return 1
	}
	defer drop()
	cfg.DatabaseURL = dbURL
	ingestPerEventMatching = *matching == "per-event"
	res, stats, err := runIngestBench(ctx, cfg, benchPlan{batch: *batch, devices: *devices, dur: *dur, conc: *conc, rate: *rate, retry: *retry, refDur: *refDur, profile: *cpuProfile}, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "doseloop: bench ingest:", err)
		return 1
	}
	lat := append([]time.Duration(nil), res.Latencies...)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	fmt.Fprintf(stdout, "ingest: matching=%s requests=%d requests_per_s=%.0f reposted=%d stored=%d doses_taken=%d double_dose=%d unmatched=%d\n",
		*matching, res.Requests, float64(res.Requests)/res.Elapsed.Seconds(), res.Retried, stats.Stored, stats.Taken, stats.Double, stats.Unmatched)
	perS := float64(res.Events) / res.Elapsed.Seconds()
	fmt.Fprintf(stdout, "ingest: events_per_s=%.0f batch=%d devices=%d p50_ms=%.1f p99_ms=%.1f rss_mb=%d errors=%d lost=%d duplicates=%d raw_insert_per_s=%.0f ratio=%.2f\n",
		perS, *batch, *devices, ms(pct(lat, 0.50)), ms(pct(lat, 0.99)), peakRSSMB(),
		res.Errors, stats.Lost, stats.Duplicates, stats.RawPerS, perS/stats.RawPerS)
	if res.Errors+stats.Lost+stats.Duplicates > 0 {
		return 1
	}
	return 0
}

type benchPlan struct {
	batch, devices, conc int
	dur                  time.Duration
	rate, retry          float64
	refDur               time.Duration
	profile              string // CPU profile file of the load phase, or ""
}

// ingestStats is the database check plus the raw insert reference.
type ingestStats struct {
	*benchfleet.Stats
	RawPerS float64
}

func runIngestBench(ctx context.Context, cfg Config, plan benchPlan, stdout io.Writer) (*sim.LoadResult, *ingestStats, error) {
	cfg.Addr = freeLoopback()
	a, err := newApp(ctx, cfg, clock.Real{}, io.Discard)
	if err != nil {
		return nil, nil, err
	}
	defer a.close()
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.serve(sctx, io.Discard) }()
	defer func() { stop(); <-done }()
	base := "http://" + cfg.Addr
	if err := waitHealthy(base); err != nil {
		return nil, nil, err
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: plan.conc * 2}, Timeout: 30 * time.Second}
	start := time.Now()
	fleet, err := benchfleet.Provision(ctx, a.db, "BENCH", plan.devices, base, client)
	if err != nil {
		return nil, nil, fmt.Errorf("provision: %w", err)
	}
	fmt.Fprintf(stdout, "ingest: provisioned devices=%d doses=%d in %s; driving %s of load (concurrency %d)\n",
		plan.devices, fleet.Doses, time.Since(start).Round(time.Millisecond), plan.dur, plan.conc)
	stopProfile, err := startProfile(plan.profile)
	if err != nil {
		return nil, nil, err
	}
	load := &sim.Load{Walkers: fleet.Walkers, Batch: plan.batch, Concurrency: plan.conc, Duration: plan.dur,
		Rate: plan.rate, RetryChance: plan.retry, GiveUp: 30 * time.Second}
	res := load.Run(ctx)
	stopProfile()
	stats, err := benchfleet.Check(ctx, a.db, fleet.ClinicID, res.Acked, res.Sent)
	if err != nil {
		return nil, nil, err
	}
	// The reference runs after the check (its rows are not the fleet's
	// events) on the same pool, table and indexes.
	raw, err := rawInsertRate(ctx, a.db, fleet.ClinicID, plan.batch, plan.conc, plan.refDur)
	return res, &ingestStats{Stats: stats, RawPerS: raw}, err
}

// startProfile starts a CPU profile into file (none when file is "") and
// returns what stops it.
func startProfile(file string) (func(), error) {
	if file == "" {
		return func() {}, nil
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func freeLoopback() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "127.0.0.1:18080"
	}
	defer l.Close()
	return l.Addr().String()
}

func waitHealthy(base string) error {
	for i := 0; i < 200; i++ {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("server at %s did not come up", base)
}

// benchDatabase gives the benchmark a schema (Postgres) or file (SQLite) of
// its own so it never touches real data; drop removes it.
func benchDatabase(ctx context.Context, base string, keep bool) (string, func(), error) {
	b := make([]byte, 4)
	rand.Read(b)
	name := "bench_ingest_" + hex.EncodeToString(b)
	if !strings.HasPrefix(base, "postgres") {
		dir, err := os.MkdirTemp("", name)
		return "sqlite:" + filepath.Join(dir, "bench.db"), func() {
			if !keep {
				os.RemoveAll(dir)
			}
		}, err
	}
	admin, err := store.Open(ctx, base)
	if err != nil {
		return "", nil, err
	}
	if err := admin.Exec("CREATE SCHEMA " + name).Error; err != nil {
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		if !keep {
			admin.Exec("DROP SCHEMA " + name + " CASCADE")
		}
		store.Close(admin)
	}, nil
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// peakRSSMB is the process's peak resident set (VmHWM): server and load
// generator together, so the server alone uses less.
func peakRSSMB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var kb int
		if n, _ := fmt.Sscanf(sc.Text(), "VmHWM: %d kB", &kb); n == 1 {
			return kb / 1024
		}
	}
	return -1
}
