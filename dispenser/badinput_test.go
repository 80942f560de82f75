package dispenser_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/dispenser"
	"github.com/doseloop/doseloop/store"
)

// badDetails is the corpus of event details that Postgres would refuse, or
// that a reader of the stored JSON would choke on; each must be rejected by
// itself, on both databases, while its neighbours are stored.
var badDetails = []struct{ details, reason string }{
	{"{\"note\":\"\xff\xfe\"}", "invalid_utf8"},
	{"{\"note\":\"ok\xc3\"}", "invalid_utf8"},
	{`{"note":"a\u0000b"}`, "nul_in_text"},
	{`{"a\u0000":1}`, "nul_in_text"},
	{`[["x",{"deep":"\u0000"}]]`, "nul_in_text"},
	{`"` + strings.Repeat("x", 4100) + `"`, "details_too_large"},
}

func TestBadTextRejectedPerEventNeighboursStored(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		at := t0.Add(-time.Minute).Format(time.RFC3339)
		event := func(n int, details string) string {
			return `{"id":"` + uid(n) + `","type":"error","occurred_at":"` + at + `","details":` + details + `}`
		}
		parts := []string{event(1, `{"ok":true}`)}
		for i, c := range badDetails {
			parts = append(parts, event(10+i, c.details))
		}
		// An escaped backslash before u0000 is the six characters \u0000, not NUL.
		parts = append(parts, event(2, `{"literal":"\\u0000","é":"ü"}`))
		body := []byte(`{"events":[` + strings.Join(parts, ",") + `]}`)
		rec := b.signed("POST", "/v1/dispenser/events", body, b.disp.Serial, b.key)
		if rec.Code != 200 {
			t.Fatalf("batch with bad events: %d %s", rec.Code, rec.Body)
		}
		var a dispenser.BatchAnswer
		json.Unmarshal(rec.Body.Bytes(), &a)
		if a.Accepted != 2 || a.Rejected != len(badDetails) {
			t.Fatalf("answer %+v", a)
		}
		for i, c := range badDetails {
			if r := a.Results[1+i]; r.Status != "rejected" || r.Reason != c.reason || r.ID != uid(10+i) {
				t.Errorf("details %q: %+v, want rejected %s", c.details, r, c.reason)
			}
		}
		var stored []store.DoseEvent
		b.db.Where("dispenser_id = ?", b.disp.ID).Order("device_event_id").Find(&stored)
		if len(stored) != 2 || stored[1].Details != `{"literal":"\\u0000","é":"ü"}` {
			t.Fatalf("stored %+v", stored)
		}
		// The retry of the same batch: the good ones are duplicates, the bad still rejected.
		rec = b.signed("POST", "/v1/dispenser/events", body, b.disp.Serial, b.key)
		json.Unmarshal(rec.Body.Bytes(), &a)
		if rec.Code != 200 || a.Duplicates != 2 || a.Rejected != len(badDetails) || b.countEvents() != 2 {
			t.Fatalf("retry: %d %+v", rec.Code, a)
		}
	})
}

func TestBadHeartbeatFieldIs400(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		beat := func(body string) int {
			b.clk.Advance(time.Second)
			return b.signed("POST", "/v1/dispenser/heartbeat", []byte(body), b.disp.Serial, b.key).Code
		}
		if code := beat(`{"battery_pct":50,"firmware":"` + strings.Repeat("é", 64) + `"}`); code != 200 {
			t.Fatalf("64 two-byte characters: %d", code)
		}
		for _, body := range []string{
			`{"battery_pct":12,"firmware":"1.0\u0000"}`,
			"{\"battery_pct\":12,\"firmware\":\"1.0\xff\"}",
			`{"battery_pct":12,"firmware":"1.0\u001b[2J"}`,
			`{"battery_pct":12,"firmware":"` + strings.Repeat("x", 65) + `"}`,
			`{"battery_pct":12,"signal_dbm":1e3}`,
			`{"battery_pct":12,"extra":1}`,
		} {
			if code := beat(body); code != 400 {
				t.Errorf("%q: %d, want 400", body, code)
			}
		}
		var d store.Dispenser
		b.db.Take(&d, b.disp.ID)
		if d.BatteryPct == nil || *d.BatteryPct != 50 {
			t.Fatalf("a refused heartbeat changed the device: %+v", d.BatteryPct)
		}
	})
}
