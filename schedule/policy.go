package schedule

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/doseloop/doseloop/apperr"
)

// Who an escalation step notifies.
const (
	NotifyPatient   = "patient"
	NotifyCaregiver = "caregiver"
	NotifyPhysician = "physician"
)

// Step is one rung of the escalation ladder, AfterMin minutes after the
// alert opened (the dose became missed). Order picks the n-th active
// caregiver by escalation order (1 = first). CriticalOnly steps fire only
// for critical regimens.
type Step struct {
	AfterMin     int    `json:"after_min"`
	Notify       string `json:"notify"`
	Order        int    `json:"order,omitempty"`
	CriticalOnly bool   `json:"critical_only,omitempty"`
	// Channels the step uses: "push" (default), "webhook" (SMS/voice
	// gateway) or both; urgent alerts should not rely on push alone.
	Channels []string `json:"channels,omitempty"`
}

// channels returns the step's channels, push when none are named.
func (s Step) channels() []string {
	if len(s.Channels) == 0 {
		return []string{"push"}
	}
	return s.Channels
}

// Policy is a patient's escalation ladder (patients.escalation_policy JSON);
// an empty column means DefaultPolicy.
type Policy struct {
	Steps []Step `json:"steps"`
}

// DefaultPolicy: patient re-reminder at +15 min, first caregiver at +30,
// next caregiver at +60, care-team physicians at +120 for critical regimens.
var DefaultPolicy = Policy{Steps: []Step{
	{AfterMin: 15, Notify: NotifyPatient},
	{AfterMin: 30, Notify: NotifyCaregiver, Order: 1},
	{AfterMin: 60, Notify: NotifyCaregiver, Order: 2},
	{AfterMin: 120, Notify: NotifyPhysician, CriticalOnly: true},
}}

// ParsePolicy reads and validates an escalation policy; "" is the default.
// Errors: Invalid.
func ParsePolicy(raw string) (Policy, error) {
	if raw == "" {
		return DefaultPolicy, nil
	}
	var p Policy
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, apperr.Validation(apperr.FieldError{Field: "escalation_policy", Message: "is not a valid policy: " + cleanJSONErr(err)})
	}
	return p, ValidatePolicy(p)
}

// ValidatePolicy checks steps are in time order within a week and name a
// known recipient. Errors: Invalid.
func ValidatePolicy(p Policy) error {
	var v fieldErrs
	if len(p.Steps) > 10 {
		v.add("escalation_policy.steps", "has at most 10 steps")
	}
	prev := -1
	for i, s := range p.Steps {
		f := fmt.Sprintf("escalation_policy.steps[%d]", i)
		switch {
		case s.AfterMin < 0 || s.AfterMin > 7*24*60:
			v.add(f+".after_min", "must be from 0 to 10080 minutes")
		case s.AfterMin < prev:
			v.add(f+".after_min", "must not be earlier than the step before")
		}
		prev = s.AfterMin
		switch s.Notify {
		case NotifyPatient, NotifyPhysician:
		case NotifyCaregiver:
			if s.Order < 1 {
				v.add(f+".order", "must be 1 or more for a caregiver step")
			}
		default:
			v.add(f+".notify", "must be patient, caregiver or physician")
		}
		for j, ch := range s.Channels {
			if ch != "push" && ch != "webhook" {
				v.add(fmt.Sprintf("%s.channels[%d]", f, j), "must be push or webhook")
			}
		}
	}
	return v.err()
}

// nextStep returns the first step at index >= from that applies to an alert
// of the given criticality, and when it is due; ok is false when the ladder
// is finished.
func (p Policy) nextStep(from int, critical bool, opened time.Time) (idx int, at time.Time, ok bool) {
	for i := from; i < len(p.Steps); i++ {
		if p.Steps[i].CriticalOnly && !critical {
			continue
		}
		return i, opened.Add(time.Duration(p.Steps[i].AfterMin) * time.Minute), true
	}
	return 0, time.Time{}, false
}

// policyOf is the patient's ladder; a stored policy that no longer parses
// falls back to the default (logged) rather than silencing escalations.
func policyOf(patientID int64, raw string) Policy {
	p, err := ParsePolicy(raw)
	if err != nil {
		slog.Warn("schedule: invalid escalation policy, using the default", "patient_id", patientID)
		return DefaultPolicy
	}
	return p
}
