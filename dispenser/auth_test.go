package dispenser_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/dispenser"
	"github.com/doseloop/doseloop/store"
)

func TestSignatureChecks(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		body, _ := json.Marshal(map[string]any{"events": []any{take(uid(1), t0.Add(-time.Minute))}})
		path := "/v1/dispenser/events"
		revoked := b.addDispenser("SN-REVOKED-"+strconv.FormatInt(b.disp.ID, 10), keyFor("rev"), &b.w.Patient.ID)
		b.db.Model(&revoked).Update("revoked_at", t0.Add(-time.Hour))

		send := func(serial string, ts int64, sig string, payload []byte) *httptest.ResponseRecorder {
			req := httptest.NewRequest("POST", path, bytes.NewReader(payload))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(dispenser.HeaderSerial, serial)
			req.Header.Set(dispenser.HeaderTimestamp, strconv.FormatInt(ts, 10))
			req.Header.Set(dispenser.HeaderSignature, sig)
			rec := httptest.NewRecorder()
			b.h.ServeHTTP(rec, req)
			return rec
		}
		now := t0.Unix()
		cases := []struct {
			name, reason string
			rec          *httptest.ResponseRecorder
		}{
			{"wrong key", "bad_signature", send(b.disp.Serial, now, dispenser.Sign(keyFor("other"), b.disp.Serial, "POST", path, now, body), body)},
			{"stale timestamp", "stale_timestamp", send(b.disp.Serial, now-301, dispenser.Sign(b.key, b.disp.Serial, "POST", path, now-301, body), body)},
			{"future timestamp", "stale_timestamp", send(b.disp.Serial, now+301, dispenser.Sign(b.key, b.disp.Serial, "POST", path, now+301, body), body)},
			{"body altered", "bad_signature", send(b.disp.Serial, now, dispenser.Sign(b.key, b.disp.Serial, "POST", path, now, body),
				bytes.Replace(body, []byte("dose_taken"), []byte("dose_missed"), 1))},
			{"other path", "bad_signature", send(b.disp.Serial, now, dispenser.Sign(b.key, b.disp.Serial, "POST", "/v1/dispenser/heartbeat", now, body), body)},
			{"revoked", "revoked", send(revoked.Serial, now, dispenser.Sign(keyFor("rev"), revoked.Serial, "POST", path, now, body), body)},
			{"unknown serial", "bad_signature", send("SN-NOBODY", now, dispenser.Sign(b.key, "SN-NOBODY", "POST", path, now, body), body)},
			{"missing signature", "missing_headers", send(b.disp.Serial, now, "", body)},
			{"signature not base64", "bad_signature", send(b.disp.Serial, now, "%%%", body)},
		}
		for _, c := range cases {
			if c.rec.Code != http.StatusUnauthorized || !strings.HasPrefix(c.rec.Header().Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s: got %d %s, want 401 problem", c.name, c.rec.Code, c.rec.Header().Get("Content-Type"))
				continue
			}
			var p struct{ Reason string }
			json.Unmarshal(c.rec.Body.Bytes(), &p)
			if p.Reason != c.reason {
				t.Errorf("%s: reason %q, want %q", c.name, p.Reason, c.reason)
			}
		}
		var seen int64
		b.db.Model(&store.Dispenser{}).Where("last_seen_at IS NOT NULL").Where("clinic_id = ?", b.w.Clinic.ID).Count(&seen)
		if n := b.countEvents(); n != 0 || seen != 0 {
			t.Fatalf("refused requests wrote %d events and %d last_seen_at", n, seen)
		}
		// Within the skew and correctly signed, the same batch is accepted.
		b.clk.Advance(299 * time.Second)
		ts := now
		rec := send(b.disp.Serial, ts, dispenser.Sign(b.key, b.disp.Serial, "POST", path, ts, body), body)
		if rec.Code != http.StatusOK {
			t.Fatalf("valid request: %d %s", rec.Code, rec.Body)
		}
		if n := b.countEvents(); n != 1 {
			t.Fatalf("stored %d events, want 1", n)
		}
		var d store.Dispenser
		b.db.Take(&d, b.disp.ID)
		if d.LastSeenAt == nil || !d.LastSeenAt.Equal(b.clk.Now()) {
			t.Fatalf("last_seen_at = %v, want %v", d.LastSeenAt, b.clk.Now())
		}
	})
}

func TestRevocationTakesEffectOnNextRequest(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		if rec := b.signed("POST", "/v1/dispenser/heartbeat", []byte(`{}`), b.disp.Serial, b.key); rec.Code != 200 {
			t.Fatalf("heartbeat before revocation: %d %s", rec.Code, rec.Body)
		}
		if rec := b.adminDo("POST", "/v1/dispensers/"+b.disp.Serial+"/revoke", nil, b.admin); rec.Code != 200 {
			t.Fatalf("revoke: %d %s", rec.Code, rec.Body)
		}
		rec := b.signed("POST", "/v1/dispenser/heartbeat", []byte(`{}`), b.disp.Serial, b.key)
		if rec.Code != 401 || !strings.Contains(rec.Body.String(), `"reason":"revoked"`) {
			t.Fatalf("heartbeat after revocation: %d %s", rec.Code, rec.Body)
		}
	})
}
