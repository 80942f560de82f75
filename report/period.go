package report

import (
	"time"

	"github.com/doseloop/doseloop/apperr"
)

// MaxRangeDays is the longest from/to range a report accepts.
const MaxRangeDays = 366

// Periods are the preset periods the dashboard offers, in days.
var Periods = []int{7, 30, 90}

// ParsePeriod reads a report period: preset ("7d", "30d", "90d"; default
// 30d) ending now, or from/to dates (YYYY-MM-DD, inclusive) in zone, capped
// at now. Errors: Invalid.
func ParsePeriod(preset, from, to string, zone *time.Location, now time.Time) (Interval, error) {
	if from != "" || to != "" {
		return parseRange(from, to, zone, now)
	}
	days := 30
	if preset != "" {
		ok := false
		for _, d := range Periods {
			if preset == itoa(d)+"d" {
				days, ok = d, true
			}
		}
		if !ok {
			return Interval{}, apperr.Validation(apperr.FieldError{Field: "period", Message: "must be 7d, 30d or 90d"})
		}
	}
	return Last(days, now), nil
}

// Last is the period of the last n days ending at now.
func Last(days int, now time.Time) Interval {
	return Interval{From: now.Add(-time.Duration(days) * 24 * time.Hour), To: now}
}

func parseRange(from, to string, zone *time.Location, now time.Time) (Interval, error) {
	f, err1 := time.ParseInLocation(time.DateOnly, from, zone)
	t, err2 := time.ParseInLocation(time.DateOnly, to, zone)
	var fe []apperr.FieldError
	if err1 != nil {
		fe = append(fe, apperr.FieldError{Field: "from", Message: "must be a date YYYY-MM-DD"})
	}
	if err2 != nil {
		fe = append(fe, apperr.FieldError{Field: "to", Message: "must be a date YYYY-MM-DD"})
	}
	if len(fe) > 0 {
		return Interval{}, apperr.Validation(fe...)
	}
	end := t.AddDate(0, 0, 1)
	switch {
	case t.Before(f):
		return Interval{}, apperr.Validation(apperr.FieldError{Field: "to", Message: "must not be before from"})
	case end.Sub(f) > MaxRangeDays*24*time.Hour+time.Hour:
		return Interval{}, apperr.Validation(apperr.FieldError{Field: "to", Message: "the range may span at most 366 days"})
	case !f.Before(now):
		return Interval{}, apperr.Validation(apperr.FieldError{Field: "from", Message: "must be in the past"})
	}
	if end.After(now) {
		end = now
	}
	return Interval{From: f.UTC(), To: end.UTC()}, nil
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
