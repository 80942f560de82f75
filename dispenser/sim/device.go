package sim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/doseloop/doseloop/dispenser"
)

// Device is one simulated dispenser. It is safe for one goroutine at a time.
type Device struct {
	Serial  string
	Key     ed25519.PrivateKey
	BaseURL string // e.g. http://127.0.0.1:8080
	HTTP    *http.Client
	// Skew is how wrong the device's clock is (added to every timestamp it makes).
	Skew time.Duration
	// Now is the true time (time.Now when nil); tests inject a clock.
	Now func() time.Time
	seq atomic.Int64
	// lastBeat is the timestamp of the last heartbeat sent: the server
	// refuses a heartbeat that is not newer (replay protection).
	lastBeat atomic.Int64
}

// Event is one device event on the wire.
type Event struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	OccurredAt  string          `json:"occurred_at"`
	Compartment *int            `json:"compartment,omitempty"`
	Quantity    *float64        `json:"quantity,omitempty"`
	Seq         *int64          `json:"seq,omitempty"`
	Details     json.RawMessage `json:"details,omitempty"`
}

// StatusError is a non-2xx answer.
type StatusError struct {
	Status int
	Body   string
}

func (e *StatusError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.Status, e.Body) }

func (d *Device) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// Clock is the device's own idea of the time (true time plus Skew).
func (d *Device) Clock() time.Time { return d.now().Add(d.Skew) }

// NewEvent makes an event with a fresh id and the next sequence number.
func (d *Device) NewEvent(typ string, at time.Time, compartment int) Event {
	// Start from the clock in milliseconds, so a restarted simulator keeps
	// its sequence numbers increasing as real firmware (with flash) would.
	d.seq.CompareAndSwap(0, d.Clock().UnixMilli())
	seq := d.seq.Add(1)
	ev := Event{ID: NewID(), Type: typ, OccurredAt: at.UTC().Format(time.RFC3339Nano), Seq: &seq}
	if compartment > 0 {
		ev.Compartment = &compartment
	}
	return ev
}

// NewID returns a random (version 4) UUID.
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Do sends a request signed (protocol v2) at the device's clock and returns
// the status, headers and body. path may carry a query string.
func (d *Device) Do(ctx context.Context, method, path string, body []byte, hdr http.Header) (*http.Response, []byte, error) {
	return d.doAt(ctx, d.Clock().Unix(), method, path, body, hdr)
}

func (d *Device) doAt(ctx context.Context, ts int64, method, path string, body []byte, hdr http.Header) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, d.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(dispenser.HeaderSerial, d.Serial)
	req.Header.Set(dispenser.HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(dispenser.HeaderSignature, dispenser.Sign(d.Key, d.Serial, method, path, ts, body))
	client := d.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp, raw, err
}

// PostEvents posts one batch and decodes the per-event answer.
func (d *Device) PostEvents(ctx context.Context, events []Event) (*dispenser.BatchAnswer, error) {
	body, err := json.Marshal(map[string]any{"events": events})
	if err != nil {
		return nil, err
	}
	resp, raw, err := d.Do(ctx, "POST", "/v1/dispenser/events", body, nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{Status: resp.StatusCode, Body: string(raw)}
	}
	var a dispenser.BatchAnswer
	return &a, json.Unmarshal(raw, &a)
}

// Heartbeat reports battery, firmware and signal.
func (d *Device) Heartbeat(ctx context.Context, battery int, firmware string, signal int) error {
	body, _ := json.Marshal(map[string]any{"battery_pct": battery, "firmware": firmware, "signal_dbm": signal})
	ts := d.Clock().Unix()
	for last := d.lastBeat.Load(); ; last = d.lastBeat.Load() {
		ts = max(ts, last+1) // strictly newer than the last heartbeat, as firmware must
		if d.lastBeat.CompareAndSwap(last, ts) {
			break
		}
	}
	resp, raw, err := d.doAt(ctx, ts, "POST", "/v1/dispenser/heartbeat", body, nil)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = &StatusError{Status: resp.StatusCode, Body: string(raw)}
	}
	return err
}

// Schedule pulls the schedule; with the previous ETag an unchanged schedule
// comes back as (nil, etag, nil) from a 304.
func (d *Device) Schedule(ctx context.Context, etag string) (*dispenser.Schedule, string, error) {
	hdr := http.Header{}
	if etag != "" {
		hdr.Set("If-None-Match", etag)
	}
	resp, raw, err := d.Do(ctx, "GET", "/v1/dispenser/schedule", nil, hdr)
	if err != nil {
		return nil, "", err
	}
	switch resp.StatusCode {
	case http.StatusNotModified:
		return nil, etag, nil
	case http.StatusOK:
		var s dispenser.Schedule
		return &s, resp.Header.Get("ETag"), json.Unmarshal(raw, &s)
	}
	return nil, "", &StatusError{Status: resp.StatusCode, Body: string(raw)}
}
