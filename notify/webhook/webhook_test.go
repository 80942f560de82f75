package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/notify/webhook"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

var t0 = time.Date(2026, 6, 10, 14, 0, 0, 0, time.UTC)

var secret = []byte("0123456789abcdef-webhook-secret")

// receiver is a gateway that verifies every request and answers status.
type receiver struct {
	mu       sync.Mutex
	status   int
	bodies   []webhook.Payload
	verified []error
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	err := webhook.Verify(secret, r.Header.Get(webhook.Header), body, t0, 5*time.Minute)
	var p webhook.Payload
	json.Unmarshal(body, &p)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.verified = append(rc.verified, err)
	rc.bodies = append(rc.bodies, p)
	if r.Header.Get("X-DoseLoop-Delivery") != p.ID {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.WriteHeader(rc.status)
}

func TestWebhookOutcomes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		want   string
		err    string
	}{
		{200, store.NotifySent, ""},
		{202, store.NotifySent, ""},
		{503, store.NotifyPending, "webhook HTTP 503"},
		{429, store.NotifyPending, "webhook HTTP 429"},
		{400, store.NotifyDead, "webhook HTTP 400"},
		{404, store.NotifyDead, "webhook HTTP 404"},
	}
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := storetest.NewWorld(t, db, "wh", t0)
		for _, c := range cases {
			rc := &receiver{status: c.status}
			srv := httptest.NewServer(rc)
			defer srv.Close()
			d := &notify.Dispatcher{DB: db, Clock: clock.NewFake(t0), Webhook: webhook.New(srv.URL, secret)}
			n := store.Notification{DedupeKey: "alert:9:step:1:webhook:" + srv.URL, RecipientID: w.Caregiver.ID, Channel: "webhook",
				Kind: "escalation", Critical: true, NotBefore: t0, CreatedAt: t0}
			store.Enqueue(db, &n, store.OutboxPayload{Template: "missed_dose_caregiver", PatientName: "Pat Patient",
				Medication: "Metformin", AlertID: 9, Step: 1, LocalTime: "08:00"})
			if _, err := d.Tick(context.Background()); err != nil {
				t.Fatal(err)
			}
			var r store.Notification
			db.First(&r, n.ID)
			if r.State != c.want || r.LastError != c.err {
				t.Errorf("HTTP %d: row %s %q, want %s %q", c.status, r.State, r.LastError, c.want, c.err)
			}
			if len(rc.verified) != 1 || rc.verified[0] != nil {
				t.Fatalf("HTTP %d: receiver could not verify the signature: %v", c.status, rc.verified)
			}
			p := rc.bodies[0]
			if p.ID != n.DedupeKey || p.AlertID != 9 || p.Text.Body != "Pat Patient missed the 8:00 dose" || !p.Critical {
				t.Errorf("payload = %+v", p)
			}
		}
	})
}

func TestWebhookTimeoutRetries(t *testing.T) {
	t.Parallel()
	db := storetest.SQLite(t)
	w := storetest.NewWorld(t, db, "wt", t0)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	d := &notify.Dispatcher{DB: db, Clock: clock.NewFake(t0), Webhook: webhook.New(srv.URL, secret),
		SendTimeout: 50 * time.Millisecond}
	n := store.Notification{DedupeKey: "k", RecipientID: w.Caregiver.ID, Channel: "webhook", Kind: "escalation", NotBefore: t0, CreatedAt: t0}
	store.Enqueue(db, &n, store.OutboxPayload{Template: "device_offline"})
	d.Tick(context.Background())
	var r store.Notification
	db.First(&r, n.ID)
	if r.State != store.NotifyPending || !strings.Contains(r.LastError, "deadline") {
		t.Fatalf("row %s %q, want a retry after the timeout", r.State, r.LastError)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	body := []byte(`{"id":"x"}`)
	good := webhook.Sign(secret, t0.Unix(), body)
	cases := []struct {
		name, header string
		body         []byte
		now          time.Time
		want         error
	}{
		{"good", good, body, t0, nil},
		{"rotation: second v1 matches", "t=" + good[2:12] + ",v1=" + strings.Repeat("ab", 32) + "," + good[13:], body, t0, nil},
		{"tampered body", good, []byte(`{"id":"y"}`), t0, webhook.ErrMismatch},
		{"wrong secret", webhook.Sign([]byte("another secret!!"), t0.Unix(), body), body, t0, webhook.ErrMismatch},
		{"replayed later", good, body, t0.Add(6 * time.Minute), webhook.ErrStale},
		{"from the future", good, body, t0.Add(-6 * time.Minute), webhook.ErrStale},
		{"no timestamp", good[13:], body, t0, webhook.ErrMalformed},
		{"empty", "", body, t0, webhook.ErrMalformed},
		{"short sig", "t=1,v1=abcd", body, t0, webhook.ErrMalformed},
	}
	for _, c := range cases {
		if err := webhook.Verify(secret, c.header, c.body, c.now, 5*time.Minute); err != c.want {
			t.Errorf("%s: Verify = %v, want %v", c.name, err, c.want)
		}
	}
	if !strings.HasPrefix(good, "t=1781100000,v1=") || len(good) != len("t=1781100000,v1=")+64 {
		t.Errorf("signature header %q, want t=<unix>,v1=<64 hex>", good)
	}
}

func FuzzVerify(f *testing.F) {
	f.Add(webhook.Sign(secret, t0.Unix(), []byte("{}")), []byte("{}"))
	f.Add("t=,v1=", []byte(""))
	f.Add("t=1,t=2,v1=00", []byte("x"))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		if webhook.Verify(secret, header, body, t0, 5*time.Minute) != nil {
			return
		}
		// Accepted: the header must carry our MAC for a timestamp in tolerance.
		for d := int64(-300); d <= 300; d++ {
			if _, sig, _ := strings.Cut(webhook.Sign(secret, t0.Unix()+d, body), ",v1="); strings.Contains(header, sig) {
				return
			}
		}
		t.Fatalf("accepted a header without our signature: %q", header)
	})
}
