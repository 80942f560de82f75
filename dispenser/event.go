package dispenser

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/doseloop/doseloop/store"
)

// decodeEvent validates one event; a non-empty reason rejects it.
func decodeEvent(raw json.RawMessage, now time.Time) (Event, string) {
	var w wireEvent
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		// Keep the id if it can be read, so the device can match the answer.
		var idOnly struct {
			ID string `json:"id"`
		}
		json.Unmarshal(raw, &idOnly)
		return Event{ID: normalID(idOnly.ID)}, "malformed_event"
	}
	return checkEvent(&w, now)
}

// checkEvent validates one decoded event; a non-empty reason rejects it.
func checkEvent(w *wireEvent, now time.Time) (Event, string) {
	ev := Event{ID: normalID(w.ID), Type: w.Type, Compartment: w.Compartment, Quantity: w.Quantity, Seq: w.Seq}
	if !isUUID(w.ID) {
		return Event{}, "bad_id"
	}
	if !eventTypes[w.Type] {
		return ev, "unknown_type"
	}
	t, err := time.Parse(time.RFC3339Nano, w.OccurredAt)
	if err != nil {
		return ev, "bad_occurred_at"
	}
	ev.OccurredAt = t.UTC().Truncate(time.Microsecond)
	if ev.OccurredAt.After(now.Add(MaxSkew)) {
		return ev, "in_future"
	}
	if ev.OccurredAt.Before(now.Add(-MaxEventAge)) {
		return ev, "too_old"
	}
	return ev, ev.checkFields(w.Details)
}

func (ev *Event) checkFields(details json.RawMessage) string {
	if ev.Compartment != nil && (*ev.Compartment < 1 || *ev.Compartment > 64) {
		return "bad_compartment"
	}
	if ev.Compartment == nil && (ev.Type == store.EventDoseTaken || ev.Type == store.EventDoseMissed) {
		return "missing_compartment"
	}
	if ev.Quantity != nil && (*ev.Quantity <= 0 || *ev.Quantity > 100) {
		return "bad_quantity"
	}
	if ev.Seq != nil && *ev.Seq < 0 {
		return "bad_seq"
	}
	if len(details) > 4096 {
		return "details_too_large"
	}
	if reason := detailsText(details); reason != "" {
		return reason
	}
	if len(details) > 0 && string(details) != "null" {
		var buf bytes.Buffer
		if err := json.Compact(&buf, details); err != nil {
			return "malformed_event"
		}
		ev.Details = buf.String()
	}
	return ""
}

// detailsText rejects details that one of the databases would refuse or a
// reader of the stored JSON would choke on: invalid UTF-8 (invalid_utf8) or
// a NUL written as \u0000 in any string or key (nul_in_text).
func detailsText(details json.RawMessage) string {
	if !utf8.Valid(details) {
		return "invalid_utf8"
	}
	if !bytes.Contains(details, []byte(`\u0000`)) {
		return "" // the common case: no escape that could decode to NUL
	}
	var v any
	if json.Unmarshal(details, &v) != nil {
		return "malformed_event"
	}
	if hasNUL(v) {
		return "nul_in_text"
	}
	return ""
}

// hasNUL walks a decoded JSON value for a NUL in any string or object key.
func hasNUL(v any) bool {
	switch x := v.(type) {
	case string:
		return strings.IndexByte(x, 0) >= 0
	case []any:
		return slices.ContainsFunc(x, hasNUL)
	case map[string]any:
		for k, e := range x {
			if strings.IndexByte(k, 0) >= 0 || hasNUL(e) {
				return true
			}
		}
	}
	return false
}

// isUUID accepts the canonical 8-4-4-4-12 hex form, any case.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// normalID lower-cases an id so a retry that changes letter case is still a duplicate.
func normalID(s string) string {
	if len(s) > 64 {
		s = s[:64]
	}
	return strings.ToLower(s)
}
