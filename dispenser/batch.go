package dispenser

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
)

// Result statuses of one event in a batch answer.
const (
	StatusAccepted  = "accepted"
	StatusDuplicate = "duplicate"
	StatusRejected  = "rejected"
)

// Event is one validated device event.
type Event struct {
	Index       int // position in the batch
	ID          string
	Type        string
	OccurredAt  time.Time
	Compartment *int
	Quantity    *float64
	Seq         *int64
	Details     string
}

// Result is the answer for one event of a batch.
type Result struct {
	Index  int    `json:"index"`
	ID     string `json:"id,omitempty"`
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// Flag is "unmatched" or "double_dose" for accepted dose_taken events
	// that did not record a scheduled dose.
	Flag   string `json:"flag,omitempty"`
	DoseID *int64 `json:"dose_id,omitempty"`
}

// wireEvent is an event as a device sends it.
type wireEvent struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	OccurredAt  string          `json:"occurred_at"`
	Compartment *int            `json:"compartment"`
	Quantity    *float64        `json:"quantity"`
	Seq         *int64          `json:"seq"`
	Details     json.RawMessage `json:"details"`
}

var eventTypes = map[string]bool{
	store.EventDoseTaken: true, store.EventDoseMissed: true, store.EventCompartmentOpened: true,
	store.EventRefillLow: true, store.EventTamper: true, store.EventBatteryLow: true, store.EventError: true,
}

// DecodeBatch parses a batch body {"events": [...]}. A malformed body, an
// empty batch or one over MaxBatch is an error for the whole request; a bad
// event only rejects itself: it gets a rejected Result and its neighbours
// are returned as Events. Duplicate ids inside the batch answer duplicate.
func DecodeBatch(body []byte, now time.Time) ([]Event, []Result, error) {
	var b struct {
		Events []json.RawMessage `json:"events"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, nil, apperr.E(apperr.Invalid, "the body must be {\"events\": [...]}: %s", cleanJSONErr(err)).WithReason("malformed_batch")
	}
	if dec.More() {
		return nil, nil, apperr.E(apperr.Invalid, "the body has data after the JSON object").WithReason("malformed_batch")
	}
	if len(b.Events) == 0 {
		return nil, nil, apperr.E(apperr.Invalid, "the batch has no events").WithReason("empty_batch")
	}
	if len(b.Events) > MaxBatch {
		return nil, nil, apperr.E(apperr.Invalid, "the batch has %d events; at most %d are allowed", len(b.Events), MaxBatch).WithReason("batch_too_large")
	}
	results := make([]Result, len(b.Events))
	events := make([]Event, 0, len(b.Events))
	seen := make(map[string]bool, len(b.Events))
	for i, raw := range b.Events {
		ev, reason := decodeEvent(raw, now)
		ev.Index = i
		results[i] = Result{Index: i, ID: ev.ID}
		switch {
		case reason != "":
			results[i].Status, results[i].Reason = StatusRejected, reason
		case seen[ev.ID]:
			results[i].Status = StatusDuplicate
		default:
			seen[ev.ID] = true
			events = append(events, ev)
		}
	}
	return events, results, nil
}

func cleanJSONErr(err error) string {
	return strings.TrimPrefix(err.Error(), "json: ")
}

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
	if len(details) > 0 && string(details) != "null" {
		var buf bytes.Buffer
		if err := json.Compact(&buf, details); err != nil {
			return "malformed_event"
		}
		ev.Details = buf.String()
	}
	return ""
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
