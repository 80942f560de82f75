package report

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/apperr"
)

// FuzzParsePeriod: whatever the query says, the answer is a period inside
// the past spanning at most 366 days, or an Invalid error, never a panic.
func FuzzParsePeriod(f *testing.F) {
	now := time.Date(2026, 3, 31, 15, 0, 0, 0, time.UTC)
	for _, s := range [][3]string{{"30d", "", ""}, {"", "2026-03-01", "2026-03-07"}, {"x", "", ""}, {"", "2026-13-01", ""}, {"", "0001-01-01", "9999-12-31"}} {
		f.Add(s[0], s[1], s[2])
	}
	zone, _ := time.LoadLocation("America/New_York")
	f.Fuzz(func(t *testing.T, preset, from, to string) {
		p, err := ParsePeriod(preset, from, to, zone, now)
		if err != nil {
			if !apperr.Is(err, apperr.Invalid) {
				t.Fatalf("error %v is not Invalid", err)
			}
			return
		}
		if p.To.After(now) || !p.From.Before(p.To) || p.To.Sub(p.From) > 367*24*time.Hour {
			t.Fatalf("period %v..%v out of bounds", p.From, p.To)
		}
	})
}
