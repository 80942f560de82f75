package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/schedule/benchseed"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
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
	future := fs.Int("future", 10000000, "future doses present during the idle tick (seeded with generate_series)")
	var p benchProfiles
	fs.StringVar(&p.cpu, "cpuprofile", "", "write CPU profiles of the expansion, the sweep and the idle ticks to FILE-expand.pprof, FILE-sweep.pprof, FILE-idle.pprof")
	fs.BoolVar(&p.sql, "sqlprofile", false, "print each timed phase's statements by total time")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, ok := loadConfigOrExit(getenv, stderr)
	if !ok {
		return 2
	}
	if err := runScheduleBench(context.Background(), cfg.DatabaseURL, o, *future, p, stdout); err != nil {
		fmt.Fprintln(stderr, "bench schedule:", err)
		return 1
	}
	return 0
}

func runScheduleBench(ctx context.Context, url string, o benchseed.Options, future int, p benchProfiles, out io.Writer) error {
	db, err := store.OpenMigrated(ctx, url)
	if err != nil {
		return err
	}
	defer store.Close(db)
	if err := p.open(db); err != nil {
		return err
	}
	// Half a minute past the minute: no dose is due exactly "now".
	now := time.Now().UTC().Truncate(time.Minute).Add(30 * time.Second)
	t := time.Now()
	seeded, err := benchseed.Seed(ctx, db, o, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "seeded %d patients x 3 regimens, %d days of history, %d overdue doses in %.1fs\n",
		o.Patients, o.HistoryDays, o.Overdue, time.Since(t).Seconds())
	r := scheduleFigures{prof: &p}
	if err := r.expand(ctx, db, now, out); err != nil {
		return err
	}
	s := schedule.New(db, clock.NewFake(now))
	s.Log, s.Batch = slog.New(slog.NewTextHandler(io.Discard, nil)), 5000
	if err := r.sweep(ctx, s, now, out); err != nil {
		return err
	}
	if err := r.idle(ctx, s, seeded.ClinicID, now, future, out); err != nil {
		return err
	}
	fmt.Fprintf(out, "idle tick with %d future doses: median of 5 ticks %.1f ms\n", r.future, r.idleMS)
	fmt.Fprintln(out, r.line())
	return nil
}

// scheduleFigures are bench schedule's results and their references.
type scheduleFigures struct {
	expandS, rawExpandS, sweepS, rawSweepS, idleMS float64
	expanded, sweepRows                            int
	future                                         int64
	prof                                           *benchProfiles
}

// line is the last line: the old figures first, then rates and references.
func (r scheduleFigures) line() string {
	return fmt.Sprintf("schedule: expand_s=%.2f sweep_100k_s=%.2f idle_tick_ms=%.1f expand_doses_per_s=%.0f raw_expand_s=%.2f expand_ratio=%.2f "+
		"sweep_rows=%d raw_sweep_s=%.2f sweep_ratio=%.2f future_doses=%d",
		r.expandS, r.sweepS, r.idleMS, float64(r.expanded)/r.expandS, r.rawExpandS, r.rawExpandS/r.expandS,
		r.sweepRows, r.rawSweepS, r.rawSweepS/r.sweepS, r.future)
}

func (r *scheduleFigures) expand(ctx context.Context, db *gorm.DB, now time.Time, out io.Writer) error {
	stop, err := r.prof.start("expand")
	if err != nil {
		return err
	}
	t := time.Now()
	n, err := schedule.ExtendHorizons(ctx, db, now, schedule.DefaultHorizon)
	r.expandS = time.Since(t).Seconds()
	stop(out)
	if err != nil {
		return err
	}
	if r.rawExpandS, r.expanded, err = rawExpandSeconds(ctx, db, now); err != nil {
		return fmt.Errorf("raw expansion reference: %w", err)
	}
	fmt.Fprintf(out, "expanded %d regimens over 48 h (%d doses) in %.2fs; the same rows by hand in %.2fs\n", n, r.expanded, r.expandS, r.rawExpandS)
	return nil
}

func (r *scheduleFigures) sweep(ctx context.Context, s *schedule.Scheduler, now time.Time, out io.Writer) error {
	stop, err := r.prof.start("sweep")
	if err != nil {
		return err
	}
	t := time.Now()
	swept, err := s.SweepMissed(ctx, now)
	r.sweepS = time.Since(t).Seconds()
	stop(out)
	if err != nil {
		return err
	}
	var alerts int64
	s.DB.Table("alerts").Where("opened_at = ? AND next_at IS NOT NULL", now).Count(&alerts)
	if r.rawSweepS, r.sweepRows, err = rawSweepSeconds(ctx, s.DB, now, s.Batch); err != nil {
		return fmt.Errorf("raw sweep reference: %w", err)
	}
	fmt.Fprintf(out, "swept %d overdue doses, %d escalations queued, in %.2fs; the same %d rows by hand in %.2fs\n",
		swept, alerts, r.sweepS, r.sweepRows, r.rawSweepS)
	return nil
}
