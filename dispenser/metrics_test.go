package dispenser_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/metrics"
	"github.com/doseloop/doseloop/store/storetest"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestEventsCounted: an operator's ingest counters move with what devices
// were answered. Not parallel, so no other test moves the counters meanwhile.
func TestEventsCounted(t *testing.T) {
	b := setup(t, storetest.SQLite(t))
	count := func(outcome, reason string) float64 {
		return testutil.ToFloat64(metrics.DispenserEvents.WithLabelValues(outcome, reason))
	}
	acc, bad := count("accepted", ""), count("rejected", "nul_in_text")
	at := t0.Add(-time.Minute).Format(time.RFC3339)
	body := []byte(`{"events":[{"id":"` + uid(1) + `","type":"error","occurred_at":"` + at + `","details":{}},` +
		`{"id":"` + uid(2) + `","type":"error","occurred_at":"` + at + `","details":{"x":"\u0000"}}]}`)
	if rec := b.signed("POST", "/v1/dispenser/events", body, b.disp.Serial, b.key); rec.Code != 200 {
		t.Fatalf("batch: %d %s", rec.Code, rec.Body)
	}
	if d := count("accepted", "") - acc; d != 1 {
		t.Errorf("accepted counter moved by %v, want 1", d)
	}
	if d := count("rejected", "nul_in_text") - bad; d != 1 {
		t.Errorf("rejected{nul_in_text} counter moved by %v, want 1", d)
	}
}
