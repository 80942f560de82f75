package schedule

import (
	"sync"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
)

var zones sync.Map // name -> *time.Location; LoadLocation reads tzdata each call

// LoadZone returns the IANA zone name, cached. Errors: Invalid.
func LoadZone(name string) (*time.Location, error) {
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, apperr.Validation(apperr.FieldError{Field: "time_zone", Message: "must be an IANA zone such as Europe/London"})
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, apperr.Validation(apperr.FieldError{Field: "time_zone", Message: "is not a known IANA time zone"})
	}
	zones.Store(name, loc)
	return loc, nil
}

// SpanOf builds the expansion input for reg, taken by pt, following pt's
// travel policy: "home" keeps home-zone instants, "local" follows the wall
// clock of the zone the patient is in now. Errors: Invalid (stored timing or
// zone unreadable).
func SpanOf(reg *store.Regimen, pt *store.Patient) (Span, error) {
	t, err := ParseTiming([]byte(reg.Timing))
	if err != nil {
		return Span{}, err
	}
	home, err := LoadZone(pt.HomeTimeZone)
	if err != nil {
		return Span{}, err
	}
	cur, err := LoadZone(pt.TimeZone)
	if err != nil {
		return Span{}, err
	}
	s := Span{Timing: t, Anchor: reg.StartsAt, End: reg.EndsAt, Home: home, Zone: home, Label: cur}
	if pt.TravelPolicy == "local" {
		s.Zone = cur
	}
	if reg.StoppedAt != nil && (s.End == nil || reg.StoppedAt.Before(*s.End)) {
		s.End = reg.StoppedAt
	}
	return s, nil
}
