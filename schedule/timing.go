package schedule

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
)

// Timing is the subset of FHIR R4 Timing.repeat a regimen uses. Field names
// are FHIR's, so a MedicationRequest's dosageInstruction.timing.repeat maps
// one to one. BoundsPeriod travels in the API only: it is stored in the
// regimens.starts_at/ends_at columns, never in regimens.timing.
type Timing struct {
	TimeOfDay        []string      `json:"timeOfDay,omitempty"`
	DayOfWeek        []string      `json:"dayOfWeek,omitempty"`
	Frequency        int           `json:"frequency,omitempty"`
	Period           float64       `json:"period,omitempty"`
	PeriodUnit       string        `json:"periodUnit,omitempty"`
	MaxDosePerPeriod *Ratio        `json:"maxDosePerPeriod,omitempty"`
	BoundsPeriod     *BoundsPeriod `json:"boundsPeriod,omitempty"`
}

// Ratio is FHIR's maxDosePerPeriod flattened to what a PRN limit needs:
// at most Count doses per Period PeriodUnit (a rolling window).
type Ratio struct {
	Count      int     `json:"count"`
	Period     float64 `json:"period"`
	PeriodUnit string  `json:"periodUnit"`
}

// BoundsPeriod is when a regimen applies: Start required, End optional.
type BoundsPeriod struct {
	Start *time.Time `json:"start,omitempty"`
	End   *time.Time `json:"end,omitempty"`
}

// unitDur maps the period units DoseLoop accepts (FHIR UCUM subset).
var unitDur = map[string]time.Duration{"h": time.Hour, "d": 24 * time.Hour, "wk": 7 * 24 * time.Hour}

var weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// ParseTiming strictly decodes timing JSON (unknown fields are errors) without
// validating it. Errors: Invalid.
func ParseTiming(raw []byte) (Timing, error) {
	var t Timing
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var field *apperr.Error
	if err := dec.Decode(&t); errors.As(err, &field) {
		return t, field
	} else if err != nil {
		return t, apperr.Validation(apperr.FieldError{Field: "timing", Message: "is not a valid Timing.repeat object: " + cleanJSONErr(err)})
	}
	if dec.More() {
		return t, apperr.Validation(apperr.FieldError{Field: "timing", Message: "has data after the JSON object"})
	}
	return t, nil
}

func cleanJSONErr(err error) string {
	return strings.TrimPrefix(err.Error(), "json: ")
}

// Encode returns the JSON stored in regimens.timing: t without BoundsPeriod.
func (t Timing) Encode() string {
	t.BoundsPeriod = nil
	b, _ := json.Marshal(t)
	return string(b)
}

// parseClock reads "HH:MM" or "HH:MM:SS" into seconds after midnight.
func parseClock(s string) (int, bool) {
	var h, m, sec int
	switch len(s) {
	case 5:
		if _, err := fmt.Sscanf(s, "%2d:%2d", &h, &m); err != nil || s[2] != ':' {
			return 0, false
		}
	case 8:
		if _, err := fmt.Sscanf(s, "%2d:%2d:%2d", &h, &m, &sec); err != nil || s[2] != ':' || s[5] != ':' {
			return 0, false
		}
	default:
		return 0, false
	}
	for _, c := range s {
		if c != ':' && (c < '0' || c > '9') {
			return 0, false
		}
	}
	if h > 23 || m > 59 || sec > 59 {
		return 0, false
	}
	return h*3600 + m*60 + sec, true
}

// interval is the spacing of a frequency/period regimen.
func (t Timing) interval() time.Duration {
	return time.Duration(t.Period * float64(unitDur[t.PeriodUnit]) / float64(t.Frequency))
}

// calendarDays reports how many whole local days separate doses when an
// interval regimen counts in days or weeks and lands on whole days (every
// other day, weekly): such regimens keep the anchor's wall-clock time across
// DST. Hour-based intervals keep elapsed time instead (0 is returned).
func (t Timing) calendarDays() int {
	if t.PeriodUnit == "h" {
		return 0
	}
	d := t.interval()
	if d%(24*time.Hour) != 0 {
		return 0
	}
	return int(d / (24 * time.Hour))
}
