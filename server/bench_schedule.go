package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/schedule/benchseed"
	"github.com/doseloop/doseloop/store"
)

// benchSchedule runs "bench schedule": it seeds DOSELOOP_DATABASE_URL (use
// an empty scratch Postgres database) with patients × 3 regimens and their
// history, then times the 48 h expansion, the sweep of the overdue doses and
// an idle tick over a million future doses. Its last line is
// "schedule: expand_s=X sweep_100k_s=Y idle_tick_ms=Z".
func benchSchedule(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench schedule", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := benchseed.Options{}
	fs.IntVar(&o.Patients, "patients", 10000, "patients (3 regimens each)")
	fs.IntVar(&o.HistoryDays, "days", 90, "days of dose history")
	fs.IntVar(&o.Overdue, "overdue", 100000, "overdue pending doses for the sweep")
	future := fs.Int("future", 1000000, "future doses present during the idle tick")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, ok := loadConfigOrExit(getenv, stderr)
	if !ok {
		return 2
	}
	if err := runScheduleBench(context.Background(), cfg.DatabaseURL, o, *future, stdout); err != nil {
		fmt.Fprintln(stderr, "bench schedule:", err)
		return 1
	}
	return 0
}

func runScheduleBench(ctx context.Context, url string, o benchseed.Options, future int, out io.Writer) error {
	db, err := store.OpenMigrated(ctx, url)
	if err != nil {
		return err
	}
	defer store.Close(db)
	// Half a minute past the minute: no dose is due exactly "now".
	now := time.Now().UTC().Truncate(time.Minute).Add(30 * time.Second)
	t := time.Now()
	if _, err := benchseed.Seed(ctx, db, o, now); err != nil {
		return err
	}
	fmt.Fprintf(out, "seeded %d patients x 3 regimens, %d days of history, %d overdue doses in %.1fs\n",
		o.Patients, o.HistoryDays, o.Overdue, time.Since(t).Seconds())

	t = time.Now()
	n, err := schedule.ExtendHorizons(ctx, db, now, schedule.DefaultHorizon)
	if err != nil {
		return err
	}
	expand := time.Since(t).Seconds()
	fmt.Fprintf(out, "expanded %d regimens over 48 h in %.2fs\n", n, expand)

	s := schedule.New(db, clock.NewFake(now))
	s.Log, s.Batch = slog.New(slog.NewTextHandler(io.Discard, nil)), 5000
	t = time.Now()
	swept, err := s.SweepMissed(ctx, now)
	if err != nil {
		return err
	}
	sweep := time.Since(t).Seconds()
	var alerts int64
	db.Table("alerts").Where("opened_at = ? AND next_at IS NOT NULL", now).Count(&alerts)
	fmt.Fprintf(out, "swept %d overdue doses, %d escalations queued, in %.2fs\n", swept, alerts, sweep)

	idle, count, err := idleTicks(ctx, s, now, future)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "idle tick with %d future doses: median of 5 ticks %.1f ms\n", count, idle)
	fmt.Fprintf(out, "schedule: expand_s=%.2f sweep_100k_s=%.2f idle_tick_ms=%.1f\n", expand, sweep, idle)
	return nil
}

// idleTicks extends the horizon until about `future` doses lie ahead, then
// times five ticks at now (nothing due) after one warm-up, returning the median.
func idleTicks(ctx context.Context, s *schedule.Scheduler, now time.Time, future int) (float64, int64, error) {
	var count int64
	for days := 2; ; days++ {
		if err := s.DB.Table("dose_instances").Where("state = 'pending' AND scheduled_at > ?", now).Count(&count).Error; err != nil {
			return 0, 0, err
		}
		if count >= int64(future) || days > 400 {
			break
		}
		if _, err := schedule.ExtendHorizons(ctx, s.DB, now, time.Duration(days)*24*time.Hour); err != nil {
			return 0, 0, err
		}
	}
	if err := s.DB.Exec("ANALYZE").Error; err != nil {
		return 0, 0, err
	}
	var ms []float64
	for i := range 6 {
		t := time.Now()
		if err := s.Tick(ctx, now); err != nil {
			return 0, 0, err
		}
		if i > 0 {
			ms = append(ms, float64(time.Since(t).Microseconds())/1000)
		}
	}
	sort.Float64s(ms)
	return ms[len(ms)/2], count, nil
}
