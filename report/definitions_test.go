package report

import (
	"fmt"
	"testing"
	"time"
)

// A dose's class at an instant, worked by hand for a 20:00 dose with a
// 60-minute grace: before 20:00 it is "not yet due"; from 20:00 until 21:00
// it is "pending" (due, may still be taken; left out of every ratio); from
// 21:00 on it counts as missed even before the sweep has marked it.
func TestPendingIsNamed(t *testing.T) {
	t.Parallel()
	at := t0.Add(20 * time.Hour)
	d := Dose{ID: 1, RegimenID: 1, ScheduledAt: at, LocalDate: "2026-03-01", State: "pending", GraceMin: 60}
	cases := []struct {
		asOf                            time.Time
		notYetDue, pending, missed, due int
	}{
		{at.Add(-time.Minute), 1, 0, 0, 0},
		{at, 0, 1, 0, 0},
		{at.Add(59 * time.Minute), 0, 1, 0, 0},
		{at.Add(60 * time.Minute), 0, 0, 1, 1},
		{at.Add(5 * time.Hour), 0, 0, 1, 1},
	}
	for _, tc := range cases {
		f := Compute([]Dose{d}, Input{Period: Interval{t0, t0.AddDate(0, 0, 1)}, AsOf: tc.asOf, Threshold: ThresholdDefault})
		got := fmt.Sprint(f.NotYetDue, f.Pending, f.Missed, f.Scheduled)
		if want := fmt.Sprint(tc.notYetDue, tc.pending, tc.missed, tc.due); got != want {
			t.Errorf("as of %s: not-yet-due pending missed scheduled = %s, want %s", tc.asOf.Format("15:04"), got, want)
		}
	}
}

// Persistence counts local calendar days of actual takes in the patient's
// zone (taken_at), not the days the doses were scheduled for. Worked by
// hand in New York (EST, UTC-5):
//
//	dose scheduled 18 Nov 08:00, taken 18 Nov 08:05  -> day 18 Nov
//	dose scheduled 20 Nov 21:00, taken 21 Nov 00:17  -> day 21 Nov
//	persistence = 18..21 Nov = 4 days (the schedule says 18..20 = 3)
func TestPersistenceCountsDaysOfTakes(t *testing.T) {
	t.Parallel()
	ny, _ := time.LoadLocation("America/New_York")
	local := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, ny) }
	yes := true
	taken := func(sched, at time.Time) Dose {
		return Dose{RegimenID: 1, ScheduledAt: sched.UTC(), LocalDate: sched.Format(time.DateOnly), State: "taken", OnTime: &yes, TakenAt: &at}
	}
	doses := []Dose{taken(local(18, 8, 0), local(18, 8, 5)), taken(local(20, 21, 0), local(21, 0, 17))}
	in := Input{Period: Interval{local(18, 0, 0), local(22, 0, 0)}, Zone: ny, Threshold: ThresholdDefault}
	cases := []struct {
		zone *time.Location
		want int
	}{{ny, 4}, {time.UTC, 4}, {mustZone("America/Los_Angeles"), 3}}
	for _, tc := range cases {
		in.Zone = tc.zone
		f := Compute(doses, in)
		if f.PersistenceDays != tc.want {
			t.Errorf("zone %s: persistence %d days, want %d (first %s, last %s)", tc.zone, f.PersistenceDays, tc.want, f.FirstTaken, f.LastTaken)
		}
	}
}
