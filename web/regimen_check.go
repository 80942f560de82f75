package web

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/doseloop/doseloop/schedule"
)

// checkForm turns the form into a regimen, collecting every problem at once
// in plain language next to its field. keepStart is the saved start of an
// edited regimen: an unchanged start date keeps its exact instant.
func checkForm(f regimenForm, zone *time.Location, keepStart *time.Time) regimenOf {
	r := regimenOf{Errors: map[string]string{}, Critical: f.Critical, AsNeeded: f.Kind == "prn"}
	q, err := strconv.ParseFloat(f.Quantity, 64)
	if err != nil || q <= 0 || q > 100 {
		r.bad("quantity", "Enter the dose as a number more than 0 and at most 100, such as 1 or 0.5.")
	}
	r.Quantity = q
	if f.Unit == "" || len(f.Unit) > 32 || !utf8.ValidString(f.Unit) || strings.ContainsRune(f.Unit, 0) {
		r.bad("unit", "Enter the unit in up to 32 characters, such as tablet or puff.")
	}
	r.Unit = f.Unit
	r.Window = r.number("window", f.Window, "the on-time window in minutes", 1, 720)
	r.Grace = r.number("grace", f.Grace, "the grace period in minutes", 0, 1440)
	r.LateLimit = r.number("late_limit", f.LateLimit, "how long after the due time a dose may still be recorded, in minutes", 60, 10080)
	if f.Compartment != "" {
		n := r.number("compartment", f.Compartment, "the dispenser compartment", 1, 64)
		r.Compartment = &n
	}
	r.timing(f)
	r.dates(f, zone, keepStart)
	return r
}

// timing builds the schedule from the kind of regimen chosen.
func (r *regimenOf) timing(f regimenForm) {
	switch f.Kind {
	case "times":
		r.times(f.Times)
		for _, d := range weekdayNames {
			if f.Days[d.Code] {
				r.Timing.DayOfWeek = append(r.Timing.DayOfWeek, d.Code)
			}
		}
	case "interval":
		h := r.number("every", f.Every, "the interval in hours", 1, 168)
		r.Timing.Frequency, r.Timing.Period, r.Timing.PeriodUnit = 1, float64(h), "h"
	case "prn":
		n := r.number("max_per_day", f.MaxPerDay, "the most doses a day", 1, 24)
		r.Timing.MaxDosePerPeriod = &schedule.Ratio{Count: n, Period: 1, PeriodUnit: "d"}
	default:
		r.bad("kind", "Choose how the doses are scheduled: at set times, every few hours, or as needed.")
		return
	}
	if _, done := r.Errors[kindField[f.Kind]]; done {
		return
	}
	if err := schedule.ValidateTiming(r.Timing, r.AsNeeded); err != nil {
		r.bad(kindField[f.Kind], "This schedule is not possible: "+plain(err))
	}
}

// kindField is the form field that holds each kind of schedule.
var kindField = map[string]string{"times": "times", "interval": "every", "prn": "max_per_day"}

// times reads "08:00, 20:00" into times of day, naming each bad entry.
func (r *regimenOf) times(list string) {
	seen := map[string]bool{}
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		t, err := time.Parse("15:04", s)
		if err != nil {
			r.bad("times", "“"+clip(s)+"” is not a time of day. Write times like 08:00 or 20:30, separated by commas.")
			return
		}
		hm := t.Format("15:04")
		if seen[hm] {
			r.bad("times", hm+" is listed twice.")
			return
		}
		seen[hm] = true
		r.Timing.TimeOfDay = append(r.Timing.TimeOfDay, hm)
	}
	if len(r.Timing.TimeOfDay) == 0 {
		r.bad("times", "Enter at least one time of day, such as 08:00.")
	} else if len(r.Timing.TimeOfDay) > 24 {
		r.bad("times", "Enter at most 24 times a day.")
	}
}

// dates reads the first and last day (inclusive) in the patient's zone.
func (r *regimenOf) dates(f regimenForm, zone *time.Location, keepStart *time.Time) {
	start, err := time.ParseInLocation(time.DateOnly, f.Start, zone)
	if err != nil {
		r.bad("start", "Enter the first day as a date, such as 2026-04-01.")
	}
	r.Start = start.UTC()
	if keepStart != nil && keepStart.In(zone).Format(time.DateOnly) == f.Start {
		r.Start = *keepStart
	}
	if f.End == "" {
		return
	}
	end, err := time.ParseInLocation(time.DateOnly, f.End, zone)
	switch {
	case err != nil:
		r.bad("end", "Enter the last day as a date, such as 2026-06-30, or leave it empty to continue until stopped.")
	case end.Before(start):
		r.bad("end", "The last day cannot be before the first day.")
	default:
		e := end.AddDate(0, 0, 1).UTC()
		r.End = &e
	}
}

// plain drops the "invalid: " prefix and FHIR field names from an engine error.
func plain(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i >= 0 && i < 20 {
		s = s[i+2:]
	}
	return s
}

func clip(s string) string {
	if len(s) > 20 {
		s = s[:20] + "…"
	}
	return strings.ToValidUTF8(s, "")
}
