package report

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/doseloop/doseloop/apperr"
)

// wnow is 11:00 in New York (EDT), already 00:00 the next day in Tokyo.
var wnow = time.Date(2026, 3, 31, 15, 0, 0, 0, time.UTC)

func mustZone(name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return z
}

// The window definition, worked by hand: period=Nd is N local calendar
// days ending with today (today included), whole days in the patient's
// zone; from/to are local dates, both included; a to date after today is
// cut to today; as_of is now, or the end of the window when it is earlier.
func TestParseWindow(t *testing.T) {
	t.Parallel()
	cases := []struct {
		zone, period, from, to string
		wantFrom, wantTo       string
		days                   int
		fromUTC, toUTC, asOf   string
	}{
		// 7 NY days: Wed 25 Mar .. Tue 31 Mar (today), EDT midnights.
		{"America/New_York", "7d", "", "", "2026-03-25", "2026-03-31", 7, "2026-03-25T04:00:00Z", "2026-04-01T04:00:00Z", "2026-03-31T15:00:00Z"},
		// The default is 30d; it starts before the 8 March DST change (EST midnight 05:00Z).
		{"America/New_York", "", "", "", "2026-03-02", "2026-03-31", 30, "2026-03-02T05:00:00Z", "2026-04-01T04:00:00Z", "2026-03-31T15:00:00Z"},
		// In Tokyo it is already 1 April: that is today there.
		{"Asia/Tokyo", "30d", "", "", "2026-03-03", "2026-04-01", 30, "2026-03-02T15:00:00Z", "2026-04-01T15:00:00Z", "2026-03-31T15:00:00Z"},
		{"UTC", "90d", "", "", "2026-01-01", "2026-03-31", 90, "2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z", "2026-03-31T15:00:00Z"},
		// A past range: both dates included; the 8 March day has 23 hours; as_of is its end.
		{"America/New_York", "", "2026-03-01", "2026-03-08", "2026-03-01", "2026-03-08", 8, "2026-03-01T05:00:00Z", "2026-03-09T04:00:00Z", "2026-03-09T04:00:00Z"},
		// A to date after today is cut to today.
		{"America/New_York", "", "2026-03-30", "2026-04-10", "2026-03-30", "2026-03-31", 2, "2026-03-30T04:00:00Z", "2026-04-01T04:00:00Z", "2026-03-31T15:00:00Z"},
		// Santiago skips midnight on 6 Sep 2026: that day starts at 01:00 local.
		{"America/Santiago", "", "2026-09-06", "2026-09-06", "2026-09-06", "2026-09-06", 1, "2026-09-06T04:00:00Z", "2026-09-07T03:00:00Z", "2026-09-07T03:00:00Z"},
	}
	for _, tc := range cases {
		now := wnow
		if tc.zone == "America/Santiago" {
			now = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
		}
		w, err := ParseWindow(tc.period, tc.from, tc.to, mustZone(tc.zone), now)
		if err != nil {
			t.Errorf("%v: %v", tc, err)
			continue
		}
		got := fmt.Sprint(w.From, w.To, w.Days, w.FromUTC.Format(time.RFC3339), w.ToUTC.Format(time.RFC3339), w.AsOf.Format(time.RFC3339), w.TimeZone)
		want := fmt.Sprint(tc.wantFrom, tc.wantTo, tc.days, tc.fromUTC, tc.toUTC, tc.asOf, tc.zone)
		if got != want {
			t.Errorf("%s %s %s..%s:\n got %s\nwant %s", tc.zone, tc.period, tc.from, tc.to, got, want)
		}
	}
}

// Inputs that fail to parse are field errors naming the field.
func TestParseWindowFieldErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ period, from, to, fields string }{
		{"12d", "", "", "[period]"},
		{"30", "", "", "[period]"},
		{"", "2026-02-30", "2026-03-01", "[from]"},
		{"", "yesterday", "today", "[from to]"},
		{"", "2026-03-01", "", "[to]"},
		{"", "", "2026-03-01", "[from]"},
		{"", "2026-03-10", "2026-03-01", "[to]"},
		{"", "2020-01-01", "2026-03-01", "[to]"},
		{"", "2026-04-02", "2026-04-03", "[from]"},
		{"7d", "2026-03-01", "2026-03-07", "[period]"},
	}
	for _, tc := range cases {
		_, err := ParseWindow(tc.period, tc.from, tc.to, time.UTC, wnow)
		var ae *apperr.Error
		if !errors.As(err, &ae) || ae.Code != apperr.Invalid {
			t.Errorf("%v: err %v, want Invalid", tc, err)
			continue
		}
		var fields []string
		for _, f := range ae.Fields {
			fields = append(fields, f.Field)
		}
		if fmt.Sprint(fields) != tc.fields {
			t.Errorf("%v: fields %v, want %s", tc, fields, tc.fields)
		}
	}
}

// Previous is the same number of local days just before.
func TestWindowPrevious(t *testing.T) {
	t.Parallel()
	p := LastDays(7, mustZone("America/New_York"), wnow).Previous()
	if p.From != "2026-03-18" || p.To != "2026-03-24" || p.Days != 7 || p.ToUTC.Format(time.RFC3339) != "2026-03-25T04:00:00Z" {
		t.Fatalf("previous = %+v", p)
	}
}

// FuzzParseWindow: whatever the query says, the answer is a window of whole
// local days that has begun by now and spans 1 to 366 days, or an Invalid
// error naming a field, never a panic.
func FuzzParseWindow(f *testing.F) {
	for _, s := range [][3]string{{"30d", "", ""}, {"", "2026-03-01", "2026-03-07"}, {"x", "", ""}, {"", "2026-13-01", ""}, {"", "0001-01-01", "9999-12-31"}} {
		f.Add(s[0], s[1], s[2])
	}
	zone := mustZone("America/New_York")
	f.Fuzz(func(t *testing.T, preset, from, to string) {
		w, err := ParseWindow(preset, from, to, zone, wnow)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code != apperr.Invalid || len(ae.Fields) == 0 {
				t.Fatalf("error %v is not a field error", err)
			}
			return
		}
		if w.FromUTC.After(wnow) || !w.FromUTC.Before(w.ToUTC) || w.Days < 1 || w.Days > MaxRangeDays || w.AsOf.After(wnow) {
			t.Fatalf("window %+v out of bounds", w)
		}
	})
}
