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
//
// The common body, every event well-formed, is decoded in one pass; any
// decoding error sends the body through the per-event path (which finds
// the same events, or says which ones are malformed).
func DecodeBatch(body []byte, now time.Time) ([]Event, []Result, error) {
	var whole struct {
		Events []wireEvent `json:"events"`
	}
	if decodeStrict(body, &whole) == nil {
		if err := batchSize(len(whole.Events)); err != nil {
			return nil, nil, err
		}
		return collect(len(whole.Events), func(i int) (Event, string) { return checkEvent(&whole.Events[i], now) })
	}
	var b struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := decodeStrict(body, &b); err != nil {
		return nil, nil, err
	}
	if err := batchSize(len(b.Events)); err != nil {
		return nil, nil, err
	}
	return collect(len(b.Events), func(i int) (Event, string) { return decodeEvent(b.Events[i], now) })
}

// decodeStrict decodes the whole body into v, refusing unknown fields and
// anything after the JSON object.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apperr.E(apperr.Invalid, "the body must be {\"events\": [...]}: %s", cleanJSONErr(err)).WithReason("malformed_batch")
	}
	if dec.More() {
		return apperr.E(apperr.Invalid, "the body has data after the JSON object").WithReason("malformed_batch")
	}
	return nil
}

func batchSize(n int) error {
	if n == 0 {
		return apperr.E(apperr.Invalid, "the batch has no events").WithReason("empty_batch")
	}
	if n > MaxBatch {
		return apperr.E(apperr.Invalid, "the batch has %d events; at most %d are allowed", n, MaxBatch).WithReason("batch_too_large")
	}
	return nil
}

// collect validates the n events one by one (event(i) gives the i-th and
// its rejection reason) into the accepted events and every event's Result.
func collect(n int, event func(int) (Event, string)) ([]Event, []Result, error) {
	results := make([]Result, n)
	events := make([]Event, 0, n)
	seen := make(map[string]bool, n)
	for i := range n {
		ev, reason := event(i)
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
