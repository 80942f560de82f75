package dispenser_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/dispenser"
	"github.com/doseloop/doseloop/store"
)

// raw sends a device request with exactly the given headers (each value a
// separate header line), so tests can forge what a signing helper never would.
func (b *bundle) raw(method, target string, body []byte, hdr [][2]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	for _, h := range hdr {
		req.Header.Add(h[0], h[1])
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	return rec
}

// headers is the usual header set of a request signed by key as serial.
func headers(key ed25519.PrivateKey, serial, method, target string, ts int64, body []byte) [][2]string {
	return [][2]string{{"Content-Type", "application/json"}, {dispenser.HeaderSerial, serial},
		{dispenser.HeaderTimestamp, strconv.FormatInt(ts, 10)}, {dispenser.HeaderSignature, dispenser.Sign(key, serial, method, target, ts, body)}}
}

func reasonOf(rec *httptest.ResponseRecorder) string {
	var p struct{ Reason string }
	json.Unmarshal(rec.Body.Bytes(), &p)
	return p.Reason
}

func wantRefused(t *testing.T, name string, rec *httptest.ResponseRecorder, code int, reason string) {
	t.Helper()
	if rec.Code != code || reasonOf(rec) != reason || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
		t.Errorf("%s: %d %s, want %d %s", name, rec.Code, rec.Body, code, reason)
	}
}

func TestForgeriesRefused(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		now := t0.Unix()
		body, _ := json.Marshal(map[string]any{"events": []any{take(uid(1), t0.Add(-time.Minute))}})
		ev := "/v1/dispenser/events"
		// A twin provisioned (before keys were unique) with the same key.
		twin := b.addDispenser("SN-TWIN-"+strconv.FormatInt(b.disp.ID, 10), b.key, &b.w.Patient.ID)
		// A dispenser whose stored key is the identity point (provisioned
		// before keys were checked), and the signature that verifies for it
		// under a plain Ed25519 check.
		weak := b.addDispenser("SN-WEAK-"+strconv.FormatInt(b.disp.ID, 10), b.key, nil)
		b.db.Model(&weak).Update("public_key", base64.StdEncoding.EncodeToString(append([]byte{1}, make([]byte, 31)...)))
		forged := base64.StdEncoding.EncodeToString(append([]byte{1}, make([]byte, 63)...))

		mine := headers(b.key, b.disp.Serial, "POST", ev, now, body)
		swap := append(append([][2]string{}, mine[:1]...), [2]string{dispenser.HeaderSerial, twin.Serial}, mine[2], mine[3])
		wantRefused(t, "replayed under the twin's serial", b.raw("POST", ev, body, swap), 401, "bad_signature")
		wantRefused(t, "identity key forgery", b.raw("POST", ev, body, [][2]string{{"Content-Type", "application/json"},
			{dispenser.HeaderSerial, weak.Serial}, {dispenser.HeaderTimestamp, strconv.FormatInt(now, 10)},
			{dispenser.HeaderSignature, forged}}), 401, "bad_signature")
		zeroTS := append(append([][2]string{}, mine[:2]...), [2]string{dispenser.HeaderTimestamp, "0" + strconv.FormatInt(now, 10)}, mine[3])
		wantRefused(t, "timestamp re-spelled with a leading zero", b.raw("POST", ev, body, zeroTS), 401, "bad_signature")

		sched := "/v1/dispenser/schedule?from=a"
		q := headers(b.key, b.disp.Serial, "GET", sched, now, nil)[1:]
		wantRefused(t, "query changed", b.raw("GET", "/v1/dispenser/schedule?from=b", nil, q), 401, "bad_signature")
		if rec := b.raw("GET", sched, nil, q); rec.Code != 200 {
			t.Errorf("signed query: %d %s", rec.Code, rec.Body)
		}
		if rec := b.raw("GET", "/v1/dispenser/schedule?from=%61", nil, q); rec.Code != 200 {
			t.Errorf("same query, other spelling: %d %s", rec.Code, rec.Body)
		}
		if n := b.countEvents(); n != 0 {
			t.Fatalf("forgeries stored %d events", n)
		}
	})
}

func TestAmbiguousRequestsRefused(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		now := t0.Unix()
		body := []byte(`{"battery_pct":12}`)
		hb := "/v1/dispenser/heartbeat"
		good := headers(b.key, b.disp.Serial, "POST", hb, now, body)
		for i, name := range []string{"Content-Type", dispenser.HeaderSerial, dispenser.HeaderTimestamp, dispenser.HeaderSignature} {
			dup := append(append([][2]string{}, good...), good[i])
			wantRefused(t, "two "+name, b.raw("POST", hb, body, dup), 400, "duplicate_header")
		}
		for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1"} {
			h := append([][2]string{}, good[1:]...)
			if ct != "" {
				h = append(h, [2]string{"Content-Type", ct})
			}
			wantRefused(t, "Content-Type "+ct, b.raw("POST", hb, body, h), 400, "unsupported_media_type")
		}
		var d store.Dispenser
		b.db.Take(&d, b.disp.ID)
		if d.BatteryPct != nil || d.LastSeenAt != nil {
			t.Fatalf("a refused request changed the device: %+v", d)
		}
		utf8CT := append(append([][2]string{}, good[1:]...), [2]string{"Content-Type", "application/json; charset=UTF-8"})
		if rec := b.raw("POST", hb, body, utf8CT); rec.Code != 200 {
			t.Fatalf("charset=UTF-8: %d %s", rec.Code, rec.Body)
		}
	})
}

func TestHeartbeatReplayRefused(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		hb := "/v1/dispenser/heartbeat"
		low := []byte(`{"battery_pct":12}`)
		lowHdr := headers(b.key, b.disp.Serial, "POST", hb, t0.Unix(), low)
		if rec := b.raw("POST", hb, low, lowHdr); rec.Code != 200 {
			t.Fatalf("heartbeat: %d %s", rec.Code, rec.Body)
		}
		b.clk.Advance(10 * time.Second)
		if rec := b.signed("POST", hb, []byte(`{"battery_pct":11}`), b.disp.Serial, b.key); rec.Code != 200 {
			t.Fatalf("next heartbeat: %d %s", rec.Code, rec.Body)
		}
		b.clk.Advance(100 * time.Second) // still inside the 300 s skew window
		wantRefused(t, "replayed heartbeat", b.raw("POST", hb, low, lowHdr), 401, "replayed")
		older := headers(b.key, b.disp.Serial, "POST", hb, t0.Unix()+5, []byte(`{"battery_pct":91}`))
		wantRefused(t, "older timestamp, fresh signature", b.raw("POST", hb, []byte(`{"battery_pct":91}`), older), 401, "replayed")
		var d store.Dispenser
		b.db.Take(&d, b.disp.ID)
		if *d.BatteryPct != 11 || !d.LastSeenAt.Equal(t0.Add(10*time.Second)) {
			t.Fatalf("replays changed the device: battery %d, seen %v", *d.BatteryPct, d.LastSeenAt)
		}
	})
}

// TestNoSerialOracle: before a request is correctly signed, an unknown
// serial, a known one, a revoked one and a weak-keyed one look the same.
func TestNoSerialOracle(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		now := t0.Unix()
		hb, body := "/v1/dispenser/heartbeat", []byte(`{}`)
		revoked := b.addDispenser("SN-GONE-"+strconv.FormatInt(b.disp.ID, 10), keyFor("gone"), nil)
		b.db.Model(&revoked).Update("revoked_at", t0.Add(-time.Hour))
		stranger := keyFor("stranger")
		answers := map[string]string{}
		for _, serial := range []string{"SN-NEVER-SEEN", b.disp.Serial, revoked.Serial} {
			rec := b.raw("POST", hb, body, headers(stranger, serial, "POST", hb, now, body))
			var p map[string]any
			json.Unmarshal(rec.Body.Bytes(), &p)
			delete(p, "request_id")
			shape, _ := json.Marshal(p)
			answers[strconv.Itoa(rec.Code)+" "+string(shape)] = serial
		}
		if len(answers) != 1 {
			t.Fatalf("answers differ by serial: %v", answers)
		}
		wantRefused(t, "revoked, correctly signed", b.raw("POST", hb, body, headers(keyFor("gone"), revoked.Serial, "POST", hb, now, body)), 401, "revoked")
	})
}
