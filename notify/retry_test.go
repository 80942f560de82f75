package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/notify/fcmfake"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

func Test503WithRetryAfterRetriesThen(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		b.token(t, b.w.PatientUsr.ID, "tok-12345")
		// 300s is longer than the SDK's own 2-minute retry cap, so the SDK
		// hands the error back and the outbox owns the retry.
		b.fake.Script("tok-12345", fcmfake.Fail("UNAVAILABLE").After("300"))
		n := b.enqueue(t, "k1", b.w.PatientUsr.ID, "push", false, reminder(1))
		// A 503 is the provider's outage, not the message's fault: the row
		// waits (the attempt is given back, see breaker.go) for Retry-After.
		if st := b.tick(t); st.Deferred != 1 {
			t.Fatalf("stats %+v, want 1 waiting", st)
		}
		r := b.row(t, n.ID)
		if r.State != store.NotifyPending || !r.NotBefore.Equal(t0.Add(300*time.Second)) || r.Attempts != 0 ||
			!strings.Contains(r.LastError, "UNAVAILABLE") && !strings.Contains(r.LastError, "503") {
			t.Fatalf("after 503: state %s not_before %v attempts %d err %q", r.State, r.NotBefore, r.Attempts, r.LastError)
		}
		b.clk.Set(t0.Add(299 * time.Second))
		if st := b.tick(t); st.Claimed != 0 {
			t.Fatalf("claimed before Retry-After passed: %+v", st)
		}
		b.clk.Set(t0.Add(300 * time.Second))
		if st := b.tick(t); st.Sent != 1 {
			t.Fatalf("stats %+v, want sent after Retry-After", st)
		}
		if len(b.fake.Accepted("tok-12345")) != 1 || len(b.fake.Received()) != 2 {
			t.Fatalf("FCM saw %d requests, %d accepted", len(b.fake.Received()), len(b.fake.Accepted("tok-12345")))
		}
	})
}

func TestSDKRetriesAQuick503Itself(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite(t))
	b.token(t, b.w.PatientUsr.ID, "tok-12345")
	b.fake.Script("tok-12345", fcmfake.Fail("UNAVAILABLE")) // no Retry-After: the SDK retries at once
	n := b.enqueue(t, "k1", b.w.PatientUsr.ID, "push", false, reminder(1))
	b.tick(t)
	if r := b.row(t, n.ID); r.State != store.NotifySent || r.Attempts != 1 || len(b.fake.Received()) != 2 {
		t.Fatalf("state %s attempts %d requests %d", r.State, r.Attempts, len(b.fake.Received()))
	}
}

func Test429BacksOff(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		b.token(t, b.w.PatientUsr.ID, "tok-12345")
		b.fake.Script("tok-12345", fcmfake.Fail("QUOTA_EXCEEDED"), fcmfake.Fail("QUOTA_EXCEEDED").After("600"))
		n := b.enqueue(t, "k1", b.w.PatientUsr.ID, "push", false, reminder(1))
		b.tick(t)
		r := b.row(t, n.ID)
		// No Retry-After: at least a minute for a quota error (backoff alone would be 30s).
		if r.State != store.NotifyPending || !r.NotBefore.Equal(t0.Add(time.Minute)) {
			t.Fatalf("after 429: %s not_before %v", r.State, r.NotBefore)
		}
		b.clk.Set(r.NotBefore)
		b.tick(t)
		r = b.row(t, n.ID)
		if !r.NotBefore.Equal(t0.Add(time.Minute+600*time.Second)) || r.Attempts != 2 {
			t.Fatalf("after second 429: not_before %v attempts %d", r.NotBefore, r.Attempts)
		}
		b.clk.Set(r.NotBefore)
		b.tick(t)
		if r = b.row(t, n.ID); r.State != store.NotifySent {
			t.Fatalf("never sent: %s %q", r.State, r.LastError)
		}
	})
}

func TestDeadLetterReasons(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, channel string
		script        []fcmfake.Response
		noToken       bool
		want          string
	}{
		{"sender id mismatch", "push", []fcmfake.Response{fcmfake.Fail("SENDER_ID_MISMATCH")}, false, "fcm SENDER_ID_MISMATCH"},
		{"apns auth", "push", []fcmfake.Response{fcmfake.Fail("THIRD_PARTY_AUTH_ERROR")}, false, "fcm THIRD_PARTY_AUTH_ERROR"},
		{"bad message", "push", []fcmfake.Response{fcmfake.Fail("INVALID_ARGUMENT").WithMsg("Invalid TTL")}, false, "fcm INVALID_ARGUMENT"},
		{"no token", "push", nil, true, notify.ReasonNoPushToken},
		{"no webhook", "webhook", nil, false, notify.ReasonWebhookMissing},
		{"unknown channel", "pigeon", nil, false, notify.ReasonUnknownChannel},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, storetest.SQLite(t))
			if !tc.noToken {
				b.token(t, b.w.Caregiver.ID, "tok-12345")
			}
			b.fake.Script("tok-12345", tc.script...)
			n := b.enqueue(t, "k", b.w.Caregiver.ID, tc.channel, true, reminder(1))
			b.tick(t)
			r := b.row(t, n.ID)
			if r.State != store.NotifyDead || !strings.HasPrefix(r.LastError, tc.want) {
				t.Fatalf("row = %s %q, want dead %q", r.State, r.LastError, tc.want)
			}
		})
	}
}

func TestRetriesAreBounded(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		b.d.Backoff = notify.Backoff{Base: time.Minute, Max: time.Hour, MaxAttempts: 3}
		b.token(t, b.w.PatientUsr.ID, "tok-12345")
		for range 5 { // a message-level retryable error (an outage's 5xx waits instead: breaker.go)
			b.fake.Script("tok-12345", fcmfake.Fail("QUOTA_EXCEEDED"))
		}
		n := b.enqueue(t, "k", b.w.PatientUsr.ID, "push", false, reminder(1))
		var waits []time.Duration
		for range 3 {
			b.tick(t)
			r := b.row(t, n.ID)
			waits = append(waits, r.NotBefore.Sub(b.clk.Now()))
			b.clk.Set(r.NotBefore)
		}
		r := b.row(t, n.ID)
		if r.State != store.NotifyDead || !strings.HasPrefix(r.LastError, notify.ReasonMaxAttempts) || r.Attempts != 3 {
			t.Fatalf("row = %s attempts %d %q, want dead after 3", r.State, r.Attempts, r.LastError)
		}
		if waits[0] != time.Minute || waits[1] != 2*time.Minute {
			t.Fatalf("backoff waits = %v, want 1m then 2m", waits)
		}
	})
}

func TestBackoffJitterAndRetryAfter(t *testing.T) {
	t.Parallel()
	b := notify.Backoff{Base: 10 * time.Second, Max: time.Minute, Jitter: 0.2}
	cases := []struct {
		attempts int
		after    time.Duration
		r        float64
		want     time.Duration
	}{
		{1, 0, 0.5, 10 * time.Second},
		{2, 0, 0.5, 20 * time.Second},
		{10, 0, 0.5, time.Minute},
		{1, 0, 0, 8 * time.Second},
		{1, 0, 1, 12 * time.Second},
		{1, 90 * time.Second, 0.5, 90 * time.Second},
	}
	for _, c := range cases {
		if got := b.Delay(c.attempts, c.after, c.r); got != c.want {
			t.Errorf("Delay(%d, %v, %v) = %v, want %v", c.attempts, c.after, c.r, got, c.want)
		}
	}
}
