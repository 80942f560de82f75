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
