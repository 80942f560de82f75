package schedule

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/doseloop/doseloop/apperr"
)

// UnmarshalJSON reads boundsPeriod strictly and turns a date that does not
// parse ("2026-13-45T99:00:00Z") into a field error naming it, instead of
// a malformed-JSON answer.
func (b *BoundsPeriod) UnmarshalJSON(raw []byte) error {
	var s struct {
		Start *string `json:"start"`
		End   *string `json:"end"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return apperr.Validation(apperr.FieldError{Field: "timing.boundsPeriod", Message: "must be an object with start and end: " + cleanJSONErr(err)})
	}
	var v fieldErrs
	b.Start, b.End = parseInstant(&v, "timing.boundsPeriod.start", s.Start), parseInstant(&v, "timing.boundsPeriod.end", s.End)
	return v.err()
}

// parseInstant parses an RFC 3339 instant, adding a field error when it does not parse.
func parseInstant(v *fieldErrs, field string, s *string) *time.Time {
	if s == nil {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		v.add(field, "is not a valid RFC 3339 date and time, such as 2026-03-10T08:00:00Z")
		return nil
	}
	return &t
}

// ParseInstantField parses an RFC 3339 instant from a request field.
// Errors: Invalid naming field.
func ParseInstantField(field, s string) (time.Time, error) {
	var v fieldErrs
	t := parseInstant(&v, field, &s)
	if err := v.err(); err != nil {
		return time.Time{}, err
	}
	return *t, nil
}
