package mobileapi

import (
	"encoding/json"
	"errors"
	"math"
	"sort"
	"time"
)

// PRNLimit is a regimen's maxDosePerPeriod: at most Count doses in any
// Period-long window (FHIR Timing.repeat, here as count/period/periodUnit).
type PRNLimit struct {
	Count      int     `json:"count"`
	Period     float64 `json:"period"`
	PeriodUnit string  `json:"period_unit"`
}

var unitLen = map[string]time.Duration{"h": time.Hour, "d": 24 * time.Hour, "wk": 7 * 24 * time.Hour}

// Window is the limit's period as a duration.
func (l PRNLimit) Window() time.Duration {
	return time.Duration(l.Period * float64(unitLen[l.PeriodUnit]))
}

// ParsePRNLimit reads maxDosePerPeriod from a regimen's timing JSON. It
// returns nil when the timing sets no limit, and an error when the timing is
// not JSON or the limit is malformed (count ≥ 1, period > 0, periodUnit
// h|d|wk, window at most 1 year).
func ParsePRNLimit(timing string) (*PRNLimit, error) {
	var t struct {
		Max *struct {
			Count      *int     `json:"count"`
			Period     *float64 `json:"period"`
			PeriodUnit string   `json:"periodUnit"`
		} `json:"maxDosePerPeriod"`
	}
	if err := json.Unmarshal([]byte(timing), &t); err != nil {
		return nil, errors.New("timing is not a JSON object")
	}
	if t.Max == nil {
		return nil, nil
	}
	m := t.Max
	unit, ok := unitLen[m.PeriodUnit]
	switch {
	case m.Count == nil || *m.Count < 1:
		return nil, errors.New("maxDosePerPeriod.count must be at least 1")
	case m.Period == nil || !(*m.Period > 0) || math.IsInf(*m.Period, 0):
		return nil, errors.New("maxDosePerPeriod.period must be positive")
	case !ok:
		return nil, errors.New("maxDosePerPeriod.periodUnit must be h, d or wk")
	case *m.Period*float64(unit) > float64(366*24*time.Hour):
		return nil, errors.New("maxDosePerPeriod window is longer than a year")
	}
	return &PRNLimit{Count: *m.Count, Period: *m.Period, PeriodUnit: m.PeriodUnit}, nil
}

// NextAllowed says when another dose may be taken given the instants of the
// doses already taken (any order): at or after at when fewer than Count
// fall in the window (at-Window, at], else when the oldest dose that keeps
// the window full leaves it.
func (l PRNLimit) NextAllowed(taken []time.Time, at time.Time) (time.Time, bool) {
	w := l.Window()
	var in []time.Time
	for _, t := range taken {
		if t.After(at.Add(-w)) && !t.After(at) {
			in = append(in, t)
		}
	}
	if len(in) < l.Count {
		return at, true
	}
	sort.Slice(in, func(i, j int) bool { return in[i].Before(in[j]) })
	return in[len(in)-l.Count].Add(w), false
}
