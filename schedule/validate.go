package schedule

import (
	"fmt"
	"math"
	"time"

	"github.com/doseloop/doseloop/apperr"
)

// Limits that keep a regimen a medication schedule rather than a timer.
const (
	maxTimesOfDay = 24
	minInterval   = 15 * time.Minute
	maxPeriodDays = 366
)

// ValidateTiming checks t against FHIR's Timing invariants and DoseLoop's
// subset, for a scheduled (asNeeded=false) or PRN regimen. Field names in the
// errors are prefixed with "timing." so a form can highlight them. It is what
// the regimen API runs and what a regimen editor should run before saving.
// Errors: Invalid (apperr.Validation with one FieldError per problem).
func ValidateTiming(t Timing, asNeeded bool) error {
	var v fieldErrs
	hasTOD := len(t.TimeOfDay) > 0
	hasFreq := t.Frequency != 0 || t.Period != 0 || t.PeriodUnit != ""
	switch {
	case asNeeded && (hasTOD || hasFreq || len(t.DayOfWeek) > 0):
		v.add("timing", "an as-needed regimen has no timeOfDay, dayOfWeek, frequency or period; limit it with maxDosePerPeriod")
	case !asNeeded && hasTOD && hasFreq:
		v.add("timing", "timeOfDay cannot be combined with frequency/period (FHIR Timing invariant)")
	case !asNeeded && !hasTOD && !hasFreq:
		v.add("timing", "a scheduled regimen needs timeOfDay or frequency with period and periodUnit")
	case !asNeeded && t.MaxDosePerPeriod != nil:
		v.add("timing.maxDosePerPeriod", "applies to as-needed regimens only")
	}
	if hasTOD {
		validateTimesOfDay(&v, t)
	} else if len(t.DayOfWeek) > 0 && !asNeeded {
		v.add("timing.dayOfWeek", "needs timeOfDay")
	}
	if hasFreq && !asNeeded {
		validateFrequency(&v, t)
	}
	if t.MaxDosePerPeriod != nil {
		validateMaxDose(&v, *t.MaxDosePerPeriod)
	}
	if b := t.BoundsPeriod; b != nil {
		if b.Start == nil {
			v.add("timing.boundsPeriod.start", "is required")
		} else if b.End != nil && !b.End.After(*b.Start) {
			v.add("timing.boundsPeriod.end", "must be after start")
		}
	}
	return v.err()
}

func validateTimesOfDay(v *fieldErrs, t Timing) {
	if len(t.TimeOfDay) > maxTimesOfDay {
		v.add("timing.timeOfDay", fmt.Sprintf("lists at most %d times", maxTimesOfDay))
	}
	seen := map[int]bool{}
	for i, s := range t.TimeOfDay {
		f := fmt.Sprintf("timing.timeOfDay[%d]", i)
		sec, ok := parseClock(s)
		switch {
		case !ok:
			v.add(f, "must be a time of day HH:MM or HH:MM:SS (00:00 to 23:59:59)")
		case seen[sec]:
			v.add(f, "repeats an earlier time")
		}
		seen[sec] = true
	}
	days := map[string]bool{}
	for i, d := range t.DayOfWeek {
		f := fmt.Sprintf("timing.dayOfWeek[%d]", i)
		if _, ok := weekdays[d]; !ok {
			v.add(f, "must be one of mon, tue, wed, thu, fri, sat, sun")
		} else if days[d] {
			v.add(f, "repeats an earlier day")
		}
		days[d] = true
	}
}

func validateFrequency(v *fieldErrs, t Timing) {
	unit, okUnit := unitDur[t.PeriodUnit]
	switch {
	case t.Frequency < 1 || t.Frequency > 96:
		v.add("timing.frequency", "must be a whole number from 1 to 96")
	case t.Period <= 0 || math.IsNaN(t.Period) || math.IsInf(t.Period, 0):
		v.add("timing.period", "must be a positive number (FHIR tim-5)")
	case !okUnit:
		v.add("timing.periodUnit", "must be h, d or wk (FHIR tim-2: a period needs its unit)")
	case t.Period*float64(unit) > maxPeriodDays*24*float64(time.Hour):
		v.add("timing.period", "must be at most a year")
	case t.interval() < minInterval:
		v.add("timing.frequency", "doses would be less than 15 minutes apart")
	}
}

func validateMaxDose(v *fieldErrs, r Ratio) {
	unit, ok := unitDur[r.PeriodUnit]
	if r.Count < 1 || r.Count > 100 {
		v.add("timing.maxDosePerPeriod.count", "must be a whole number from 1 to 100")
	}
	if r.Period <= 0 || math.IsNaN(r.Period) || math.IsInf(r.Period, 0) {
		v.add("timing.maxDosePerPeriod.period", "must be a positive number")
	} else if !ok {
		v.add("timing.maxDosePerPeriod.periodUnit", "must be h, d or wk")
	} else if r.Period*float64(unit) > 31*24*float64(time.Hour) {
		v.add("timing.maxDosePerPeriod.period", "must be at most 31 days")
	}
}

// fieldErrs collects field problems into one validation error.
type fieldErrs []apperr.FieldError

func (f *fieldErrs) add(field, msg string) {
	*f = append(*f, apperr.FieldError{Field: field, Message: msg})
}

func (f fieldErrs) err() error {
	if len(f) == 0 {
		return nil
	}
	return apperr.Validation(f...)
}

// ParseAndValidate decodes stored or submitted timing JSON and validates it.
// Errors: Invalid.
func ParseAndValidate(raw []byte, asNeeded bool) (Timing, error) {
	t, err := ParseTiming(raw)
	if err != nil {
		return t, err
	}
	return t, ValidateTiming(t, asNeeded)
}
