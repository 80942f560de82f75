package schedule_test

import (
	"fmt"
	"testing"

	"github.com/doseloop/doseloop/schedule"
)

// TestDSTCollisionsKeepBothDoses: two timeOfDay slots that resolve to one
// instant on a spring-forward day are two doses (same instant, slots 0 and
// 1 of the same nominal date), in five zones.
func TestDSTCollisionsKeepBothDoses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		zone, a, b, day, at string
	}{
		{"America/New_York", "02:00", "03:00", "2026-03-08", "2026-03-08T07:00:00Z"},
		{"Europe/London", "01:30", "02:30", "2026-03-29", "2026-03-29T01:30:00Z"},
		{"Australia/Lord_Howe", "02:00", "02:30", "2026-10-04", "2026-10-03T15:30:00Z"},
		{"Europe/Berlin", "02:00", "03:00", "2026-03-29", "2026-03-29T01:00:00Z"},
		{"America/Santiago", "00:00", "01:00", "2026-09-06", "2026-09-06T04:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.zone, func(t *testing.T) {
			t.Parallel()
			loc := zone(t, c.zone)
			s := schedule.Span{Timing: schedule.Timing{TimeOfDay: []string{c.b, c.a}}, Anchor: utc("2026-01-01T00:00:00Z"),
				Home: loc, Zone: loc, Label: loc}
			at := utc(c.at)
			var got []string
			for _, o := range schedule.Expand(s, at.Add(-1), at.Add(1)) {
				got = append(got, fmt.Sprintf("%s %s/%d", o.At.Format("2006-01-02T15:04:05Z"), o.NominalDate, o.Slot))
			}
			want := fmt.Sprintf("[%s %s/0 %s %s/1]", c.at, c.day, c.at, c.day)
			if fmt.Sprint(got) != want {
				t.Fatalf("got %v, want %s", got, want)
			}
		})
	}
}

// TestFrequencyPerDayKeepsWallClock: "2 per day" from 02:30 is 02:30 and
// 14:30 on the wall clock every day, across both New York transitions and a
// London one (the 03:30, 15:30, 03:30 drift is gone).
func TestFrequencyPerDayKeepsWallClock(t *testing.T) {
	t.Parallel()
	twice := schedule.Timing{Frequency: 2, Period: 1, PeriodUnit: "d"}
	thrice := schedule.Timing{Frequency: 3, Period: 1, PeriodUnit: "d"}
	cases := []struct {
		name, zone string
		timing     schedule.Timing
		anchor     string
		from, to   string
		want       []string
	}{
		{"New York spring forward", "America/New_York", twice, "2026-03-01T07:30:00Z", "2026-03-07T00:00:00Z", "2026-03-09T12:00:00Z",
			[]string{"2026-03-07 02:30", "2026-03-07 14:30", "2026-03-08 03:30", "2026-03-08 14:30", "2026-03-09 02:30"}},
		{"New York fall back", "America/New_York", twice, "2026-10-01T05:30:00Z", "2026-10-31T00:00:00Z", "2026-11-02T12:00:00Z",
			[]string{"2026-10-31 01:30", "2026-10-31 13:30", "2026-11-01 01:30", "2026-11-01 13:30", "2026-11-02 01:30"}},
		{"London spring forward, 3 a day from 09:00", "Europe/London", thrice, "2026-03-01T09:00:00Z", "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z",
			[]string{"2026-03-28 17:00", "2026-03-29 02:00" /* 01:00 is in the gap */, "2026-03-29 09:00", "2026-03-29 17:00", "2026-03-30 01:00", "2026-03-30 09:00"}},
		{"London fall back, 3 a day from 09:00", "Europe/London", thrice, "2026-03-01T09:00:00Z", "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z",
			[]string{"2026-10-24 17:00", "2026-10-25 01:00", "2026-10-25 09:00", "2026-10-25 17:00", "2026-10-26 01:00", "2026-10-26 09:00"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			loc := zone(t, c.zone)
			s := schedule.Span{Timing: c.timing, Anchor: utc(c.anchor), Home: loc, Zone: loc, Label: loc}
			var got []string
			for _, o := range schedule.Expand(s, utc(c.from), utc(c.to)) {
				got = append(got, o.LocalDate+" "+o.LocalTime)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("got  %v\nwant %v", got, c.want)
			}
		})
	}
}
