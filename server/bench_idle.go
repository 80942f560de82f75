package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/doseloop/doseloop/schedule"
)

// idle seeds pending doses beyond the horizon with generate_series until
// about future lie ahead, then times five ticks at now (nothing due) after
// one warm-up and keeps their median.
func (r *scheduleFigures) idle(ctx context.Context, s *schedule.Scheduler, clinicID int64, now time.Time, future int, out io.Writer) error {
	t := time.Now()
	count, err := seedFutureDoses(ctx, s.DB, clinicID, now, future)
	if err != nil {
		return err
	}
	if err := s.DB.Exec("ANALYZE").Error; err != nil {
		return err
	}
	fmt.Fprintf(out, "seeded future doses up to %d (and analyzed) in %.1fs\n", count, time.Since(t).Seconds())
	if err := s.Tick(ctx, now); err != nil { // warm-up
		return err
	}
	stop, err := r.prof.start("idle")
	if err != nil {
		return err
	}
	var ms []float64
	for range 5 {
		t = time.Now()
		if err := s.Tick(ctx, now); err != nil {
			stop(out)
			return err
		}
		ms = append(ms, float64(time.Since(t).Microseconds())/1000)
	}
	stop(out)
	sort.Float64s(ms)
	r.idleMS, r.future = ms[len(ms)/2], count
	return nil
}
