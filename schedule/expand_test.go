package schedule_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/schedule"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := schedule.LoadZone(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// TestExpandAcrossDST expands around every 2026 transition the product
// promises to handle and checks each dose's instant and wall-clock label.
func TestExpandAcrossDST(t *testing.T) {
	t.Parallel()
	tod := func(times ...string) schedule.Timing { return schedule.Timing{TimeOfDay: times} }
	cases := []struct {
		name     string
		zone     string
		timing   schedule.Timing
		anchor   string
		from, to string
		want     []string // instant UTC + " " + local date + " " + local time
	}{
		{"New York spring forward: 02:30 moves to 03:30", "America/New_York", tod("02:30"), "2026-01-01T00:00:00Z",
			"2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z", []string{
				"2026-03-07T07:30:00Z 2026-03-07 02:30", "2026-03-08T07:30:00Z 2026-03-08 03:30", "2026-03-09T06:30:00Z 2026-03-09 02:30"}},
		{"New York fall back: 01:30 fires once, first occurrence", "America/New_York", tod("01:30"), "2026-01-01T00:00:00Z",
			"2026-10-31T00:00:00Z", "2026-11-03T00:00:00Z", []string{
				"2026-10-31T05:30:00Z 2026-10-31 01:30", "2026-11-01T05:30:00Z 2026-11-01 01:30", "2026-11-02T06:30:00Z 2026-11-02 01:30"}},
		{"London spring forward", "Europe/London", tod("01:30", "08:00"), "2026-01-01T00:00:00Z",
			"2026-03-29T00:00:00Z", "2026-03-30T00:00:00Z", []string{
				"2026-03-29T01:30:00Z 2026-03-29 02:30", "2026-03-29T07:00:00Z 2026-03-29 08:00"}},
		{"London fall back", "Europe/London", tod("01:30"), "2026-01-01T00:00:00Z",
			"2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z", []string{
				"2026-10-25T00:30:00Z 2026-10-25 01:30", "2026-10-26T01:30:00Z 2026-10-26 01:30"}},
		{"Sydney DST ends: 02:30 occurs twice", "Australia/Sydney", tod("02:30"), "2026-01-01T00:00:00Z",
			"2026-04-04T00:00:00Z", "2026-04-06T00:00:00Z", []string{
				"2026-04-04T15:30:00Z 2026-04-05 02:30", "2026-04-05T16:30:00Z 2026-04-06 02:30"}},
		{"Sydney DST starts: 02:30 moves to 03:30", "Australia/Sydney", tod("02:30"), "2026-01-01T00:00:00Z",
			"2026-10-03T00:00:00Z", "2026-10-04T12:00:00Z", []string{
				"2026-10-03T16:30:00Z 2026-10-04 03:30"}},
		{"Lord Howe 30-minute fall back: 01:45 once", "Australia/Lord_Howe", tod("01:45"), "2026-01-01T00:00:00Z",
			"2026-04-04T00:00:00Z", "2026-04-05T12:00:00Z", []string{
				"2026-04-04T14:45:00Z 2026-04-05 01:45"}},
		{"Lord Howe 30-minute spring forward: 02:15 moves to 02:45", "Australia/Lord_Howe", tod("02:15"), "2026-01-01T00:00:00Z",
			"2026-10-03T00:00:00Z", "2026-10-05T00:00:00Z", []string{
				"2026-10-03T15:45:00Z 2026-10-04 02:45", "2026-10-04T15:15:00Z 2026-10-05 02:15"}},
		{"Kathmandu +05:45", "Asia/Kathmandu", tod("08:00", "20:00:30"), "2026-01-01T00:00:00Z",
			"2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z", []string{
				"2026-03-08T02:15:00Z 2026-03-08 08:00", "2026-03-08T14:15:30Z 2026-03-08 20:00"}},
		{"8-hourly keeps 8 elapsed hours across spring forward", "America/New_York",
			schedule.Timing{Frequency: 1, Period: 8, PeriodUnit: "h"}, "2026-03-08T01:00:00Z",
			"2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z", []string{
				"2026-03-08T01:00:00Z 2026-03-07 20:00", "2026-03-08T09:00:00Z 2026-03-08 05:00", "2026-03-08T17:00:00Z 2026-03-08 13:00"}},
		{"3 per day = every 8 h, interval starts at the anchor not at from", "Asia/Kolkata",
			schedule.Timing{Frequency: 3, Period: 1, PeriodUnit: "d"}, "2026-01-01T02:30:00Z",
			"2026-01-05T03:00:00Z", "2026-01-06T03:00:00Z", []string{
				"2026-01-05T10:30:00Z 2026-01-05 16:00", "2026-01-05T18:30:00Z 2026-01-06 00:00", "2026-01-06T02:30:00Z 2026-01-06 08:00"}},
		{"every other day keeps 08:00 across spring forward", "America/New_York",
			schedule.Timing{Frequency: 1, Period: 2, PeriodUnit: "d"}, "2026-03-06T13:00:00Z",
			"2026-03-06T00:00:00Z", "2026-03-12T00:00:00Z", []string{
				"2026-03-06T13:00:00Z 2026-03-06 08:00", "2026-03-08T12:00:00Z 2026-03-08 08:00", "2026-03-10T12:00:00Z 2026-03-10 08:00"}},
		{"weekly on mon and wed", "Europe/London", schedule.Timing{TimeOfDay: []string{"09:00"}, DayOfWeek: []string{"mon", "wed"}},
			"2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z", []string{
				"2026-01-05T09:00:00Z 2026-01-05 09:00", "2026-01-07T09:00:00Z 2026-01-07 09:00"}},
		{"nothing before the anchor", "UTC", tod("08:00", "20:00"), "2026-01-05T12:00:00Z",
			"2026-01-05T00:00:00Z", "2026-01-06T12:00:00Z", []string{
				"2026-01-05T20:00:00Z 2026-01-05 20:00", "2026-01-06T08:00:00Z 2026-01-06 08:00"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			loc := zone(t, c.zone)
			s := schedule.Span{Timing: c.timing, Anchor: utc(c.anchor), Home: loc, Zone: loc, Label: loc}
			got := schedule.Expand(s, utc(c.from), utc(c.to))
			var lines []string
			for _, o := range got {
				lines = append(lines, o.At.Format(time.RFC3339)+" "+o.LocalDate+" "+o.LocalTime)
			}
			if len(lines) != len(c.want) {
				t.Fatalf("got %d doses %q, want %q", len(lines), lines, c.want)
			}
			for i := range lines {
				if lines[i] != c.want[i] {
					t.Errorf("dose %d: got %s, want %s", i, lines[i], c.want[i])
				}
			}
		})
	}
}

// TestExpandEndsAtBound: a regimen's end (ends_at or stop) ends its doses.
func TestExpandEndsAtBound(t *testing.T) {
	t.Parallel()
	end := utc("2026-01-02T12:00:00Z")
	s := schedule.Span{Timing: schedule.Timing{TimeOfDay: []string{"08:00", "20:00"}}, Anchor: utc("2026-01-01T00:00:00Z"),
		End: &end, Home: time.UTC, Zone: time.UTC, Label: time.UTC}
	if got := schedule.Expand(s, utc("2026-01-01T00:00:00Z"), utc("2026-01-05T00:00:00Z")); len(got) != 3 {
		t.Fatalf("got %d doses, want 3 (Jan 1 08/20, Jan 2 08): %+v", len(got), got)
	}
}

// TestExpandTravel: a New York patient in London gets 08:00 New York time
// under "home" and 08:00 London time under "local"; labels are London's.
func TestExpandTravel(t *testing.T) {
	t.Parallel()
	ny, london := zone(t, "America/New_York"), zone(t, "Europe/London")
	timing := schedule.Timing{TimeOfDay: []string{"08:00"}}
	for _, c := range []struct {
		policy string
		zone   *time.Location
		want   string
	}{{"home", ny, "2026-01-10T13:00:00Z 2026-01-10 13:00"}, {"local", london, "2026-01-10T08:00:00Z 2026-01-10 08:00"}} {
		s := schedule.Span{Timing: timing, Anchor: utc("2026-01-01T00:00:00Z"), Home: ny, Zone: c.zone, Label: london}
		got := schedule.Expand(s, utc("2026-01-10T00:00:00Z"), utc("2026-01-11T00:00:00Z"))
		if len(got) != 1 || got[0].At.Format(time.RFC3339)+" "+got[0].LocalDate+" "+got[0].LocalTime != c.want {
			t.Errorf("%s policy: got %+v, want %s", c.policy, got, c.want)
		}
	}
}
