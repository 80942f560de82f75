package mobileapi

import (
	"testing"
	"time"
)

func TestPRNLimitNextAllowed(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	h := func(n float64) time.Time { return now.Add(time.Duration(n * float64(time.Hour))) }
	for _, tc := range []struct {
		name   string
		timing string
		taken  []time.Time
		ok     bool
		next   time.Time
	}{
		{"under the limit", `{"maxDosePerPeriod":{"count":2,"period":1,"periodUnit":"d"}}`, []time.Time{h(-3)}, true, now},
		{"at the limit", `{"maxDosePerPeriod":{"count":2,"period":1,"periodUnit":"d"}}`, []time.Time{h(-1), h(-3)}, false, h(21)},
		{"old dose out of window", `{"maxDosePerPeriod":{"count":2,"period":1,"periodUnit":"d"}}`, []time.Time{h(-1), h(-24)}, true, now},
		{"hours", `{"maxDosePerPeriod":{"count":1,"period":4,"periodUnit":"h"}}`, []time.Time{h(-1)}, false, h(3)},
		{"weeks, oldest of three decides", `{"maxDosePerPeriod":{"count":2,"period":1,"periodUnit":"wk"}}`, []time.Time{h(-100), h(-2), h(-50)}, false, h(-50 + 168)},
	} {
		l, err := ParsePRNLimit(tc.timing)
		if err != nil || l == nil {
			t.Fatalf("%s: parse: %v", tc.name, err)
		}
		next, ok := l.NextAllowed(tc.taken, now)
		if ok != tc.ok || !next.Equal(tc.next) {
			t.Errorf("%s: NextAllowed = %v %v, want %v %v", tc.name, next, ok, tc.next, tc.ok)
		}
	}
	for _, bad := range []string{`[]`, `{"maxDosePerPeriod":{"count":0,"period":1,"periodUnit":"d"}}`,
		`{"maxDosePerPeriod":{"count":1,"period":-1,"periodUnit":"d"}}`, `{"maxDosePerPeriod":{"count":1,"period":1,"periodUnit":"mo"}}`,
		`{"maxDosePerPeriod":{"count":1,"period":400,"periodUnit":"d"}}`, `{"maxDosePerPeriod":{"count":1,"periodUnit":"d"}}`} {
		if _, err := ParsePRNLimit(bad); err == nil {
			t.Errorf("ParsePRNLimit(%s) accepted", bad)
		}
	}
	if l, err := ParsePRNLimit(`{"timeOfDay":["08:00"]}`); l != nil || err != nil {
		t.Errorf("no limit: %v %v", l, err)
	}
}

func FuzzParsePRNLimit(f *testing.F) {
	f.Add(`{"maxDosePerPeriod":{"count":4,"period":1,"periodUnit":"d"}}`)
	f.Add(`{"maxDosePerPeriod":{"count":1,"period":1e308,"periodUnit":"wk"}}`)
	f.Add(`{"maxDosePerPeriod":null}`)
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParsePRNLimit(s)
		if err != nil || l == nil {
			return
		}
		if l.Count < 1 || l.Window() <= 0 || l.Window() > 366*24*time.Hour {
			t.Fatalf("accepted a limit with a bad window: %+v → %v", l, l.Window())
		}
		now := time.Unix(1e9, 0)
		if next, ok := l.NextAllowed([]time.Time{now}, now); !ok && !next.After(now) {
			t.Fatalf("refused but next allowed %v is not after now", next)
		}
	})
}

func FuzzPreferences(f *testing.F) {
	f.Add("22:00", "Europe/Berlin", "pt-BR")
	f.Add("24:00", "../../etc/passwd", "")
	f.Fuzz(func(t *testing.T, clock, zone, locale string) {
		if ValidClock(clock) {
			if _, err := time.Parse("15:04", clock); err != nil || len(clock) != 5 {
				t.Fatalf("ValidClock(%q) but it does not parse", clock)
			}
		}
		if ValidZone(zone) {
			if _, err := time.LoadLocation(zone); err != nil || zone == "Local" {
				t.Fatalf("ValidZone(%q) but it does not load", zone)
			}
		}
		r := prefsRequest{Locale: &locale, QuietStart: &clock, QuietEnd: &clock, TimeZone: &zone}
		_ = r.Validate() // must not panic
	})
}

func FuzzCursor(f *testing.F) {
	f.Add("1781100000000000|42")
	f.Add("|")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := parseTimeKey(s)
		if err != nil {
			return
		}
		if k.ID <= 0 {
			t.Fatalf("accepted id %d", k.ID)
		}
		if back, err := parseTimeKey(k.encode()); err != nil || back != k {
			t.Fatalf("round trip %q → %+v → %+v %v", s, k, back, err)
		}
	})
}
