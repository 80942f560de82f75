package report

import (
	"strconv"
	"time"

	"github.com/doseloop/doseloop/apperr"
)

// MaxRangeDays is the longest from/to range a report accepts.
const MaxRangeDays = 366

// Periods are the preset periods the dashboard offers, in days.
var Periods = []int{7, 30, 90}

// WindowDefinition says what a preset period means, on every response.
const WindowDefinition = "period=Nd is the last N local calendar days in the patient's time zone, today included " +
	"(today's doses not yet due are left out); from/to are local dates, both included"

// Window is the span a report covers: whole local calendar days From..To
// (both included) in TimeZone, which are the instants [FromUTC, ToUTC).
// AsOf is when the figures were computed (now, or the end of To when that
// is earlier): a dose scheduled after it is "not yet due".
type Window struct {
	From       string    `json:"from"`
	To         string    `json:"to"`
	TimeZone   string    `json:"time_zone"`
	Days       int       `json:"days"`
	FromUTC    time.Time `json:"from_utc"`
	ToUTC      time.Time `json:"to_utc"`
	AsOf       time.Time `json:"as_of"`
	Definition string    `json:"definition"`
	zone       *time.Location
}

// Previous is the window of the same number of local days just before w
// (the trend compares the two).
func (w Window) Previous() Window {
	first, _ := time.ParseInLocation(time.DateOnly, w.From, w.zone)
	return dates(first.AddDate(0, 0, -w.Days), first.AddDate(0, 0, -1), w.zone, w.AsOf)
}

// Interval is the window's instants.
func (w Window) Interval() Interval { return Interval{From: w.FromUTC, To: w.ToUTC} }

// LastDays is the window of the last days local calendar days in zone,
// today (the local date of now) included.
func LastDays(days int, zone *time.Location, now time.Time) Window {
	today := midnight(now.In(zone))
	return dates(today.AddDate(0, 0, 1-days), today, zone, now)
}

// dates is the window of local dates first..last in zone, seen at now.
func dates(first, last time.Time, zone *time.Location, now time.Time) Window {
	end := midnight(time.Date(last.Year(), last.Month(), last.Day()+1, 12, 0, 0, 0, zone))
	first = midnight(time.Date(first.Year(), first.Month(), first.Day(), 12, 0, 0, 0, zone))
	w := Window{From: first.Format(time.DateOnly), To: last.Format(time.DateOnly), TimeZone: zone.String(),
		FromUTC: first.UTC(), ToUTC: end.UTC(), AsOf: now.UTC(), Definition: WindowDefinition, zone: zone}
	if end.Before(now) {
		w.AsOf = end.UTC()
	}
	w.Days = daysBetween(w.From, w.To) + 1
	return w
}

// midnight is the first instant of t's local date (01:00 where a DST change
// skips midnight: time.Date may then answer the evening before, so step
// forward until the date is right).
func midnight(t time.Time) time.Time {
	m := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	for m.Day() != t.Day() {
		m = m.Add(15 * time.Minute)
	}
	return m
}

// ParseWindow reads a report window: a preset ("7d", "30d", "90d"; default
// 30d, see LastDays) or from/to local dates (YYYY-MM-DD, both included; a to
// date after today is cut to today). Errors: Invalid, naming the field.
func ParseWindow(preset, from, to string, zone *time.Location, now time.Time) (Window, error) {
	if from != "" || to != "" {
		if preset != "" {
			return Window{}, apperr.Validation(apperr.FieldError{Field: "period", Message: "give period or from/to, not both"})
		}
		return parseRange(from, to, zone, now)
	}
	days, err := parsePreset(preset)
	if err != nil {
		return Window{}, err
	}
	return LastDays(days, zone, now), nil
}

func parsePreset(preset string) (int, error) {
	if preset == "" {
		return 30, nil
	}
	for _, d := range Periods {
		if preset == strconv.Itoa(d)+"d" {
			return d, nil
		}
	}
	return 0, apperr.Validation(apperr.FieldError{Field: "period", Message: "must be 7d, 30d or 90d"})
}

func parseRange(from, to string, zone *time.Location, now time.Time) (Window, error) {
	f, err1 := time.ParseInLocation(time.DateOnly, from, zone)
	t, err2 := time.ParseInLocation(time.DateOnly, to, zone)
	f, t = midnight(f.Add(12*time.Hour)), midnight(t.Add(12*time.Hour))
	var fe []apperr.FieldError
	if err1 != nil {
		fe = append(fe, apperr.FieldError{Field: "from", Message: "must be a date YYYY-MM-DD"})
	}
	if err2 != nil {
		fe = append(fe, apperr.FieldError{Field: "to", Message: "must be a date YYYY-MM-DD"})
	}
	if len(fe) > 0 {
		return Window{}, apperr.Validation(fe...)
	}
	today := midnight(now.In(zone))
	switch {
	case t.Before(f):
		return Window{}, apperr.Validation(apperr.FieldError{Field: "to", Message: "must not be before from"})
	case daysBetween(from, to) >= MaxRangeDays:
		return Window{}, apperr.Validation(apperr.FieldError{Field: "to", Message: "the range may span at most 366 days"})
	case f.After(today):
		return Window{}, apperr.Validation(apperr.FieldError{Field: "from", Message: "must not be after today"})
	}
	if t.After(today) {
		t = today
	}
	return dates(f, t, zone, now), nil
}
