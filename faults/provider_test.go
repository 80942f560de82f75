package faults_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/notify/fcmfake"
	"github.com/doseloop/doseloop/notify/webhook"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// hooks is a webhook receiver that records each delivery and when it came.
type hooks struct {
	mu  sync.Mutex
	clk clock.Clock
	got []string // "<delivery key> at <minutes after t0>"
}

func (h *hooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.got = append(h.got, fmt.Sprintf("%s at +%.0fm", r.Header.Get("X-DoseLoop-Delivery"), h.clk.Now().Sub(t0).Minutes()))
}

// TestProviderOutage has FCM answer 503 UNAVAILABLE for a simulated hour
// while reminders and escalations keep coming. The breaker keeps the
// requests to FCM to a few probes; after recovery everything still due goes
// out oldest first; an escalation whose alert closed in the meantime is
// not sent; the critical escalation goes out by webhook, once, when its
// push has failed for DOSELOOP_FALLBACK_AFTER (15 min).
func TestProviderOutage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		clk := clock.NewFake(t0)
		w := storetest.NewWorld(t, db, "prov", t0.Add(-24*time.Hour))
		fake, push := fakeFCM(t)
		token(t, db, clk, w.PatientUsr.ID, "tok-patient")
		token(t, db, clk, w.Caregiver.ID, "tok-caregiver")
		h := &hooks{clk: clk}
		hs := httptest.NewServer(h)
		t.Cleanup(hs.Close)
		d := &notify.Dispatcher{DB: db, Clock: clk, Push: push, Webhook: webhook.New(hs.URL, []byte("0123456789abcdef")),
			Senders: 1, FallbackAfter: 15 * time.Minute, Logger: quiet, Rand: func() float64 { return 0.5 }}
		fake.SetDown(fcmfake.Fail("UNAVAILABLE").After("180")) // > the SDK's 2-minute cap: the outbox owns the retry

		critical, closing, open := alert(t, db, w, true), alert(t, db, w, false), alert(t, db, w, false)
		plan := map[int]func() int64{
			0:  func() int64 { return enqueue(t, db, clk, w.PatientUsr.ID, nil, false) },
			5:  func() int64 { return enqueue(t, db, clk, w.Caregiver.ID, &critical, true) },
			10: func() int64 { return enqueue(t, db, clk, w.Caregiver.ID, &closing, false) },
			20: func() int64 { return enqueue(t, db, clk, w.Caregiver.ID, &open, false) },
			40: func() int64 { return enqueue(t, db, clk, w.PatientUsr.ID, nil, false) },
		}
		ids := map[int]int64{}
		var duringOutage int
		for m := 0; m <= 90; m++ {
			clk.Set(t0.Add(time.Duration(m) * time.Minute))
			if f := plan[m]; f != nil {
				ids[m] = f()
			}
			if m == 30 {
				db.Model(&store.Alert{}).Where("id = ?", closing).Update("closed_at", clk.Now())
			}
			if m == 60 {
				duringOutage = len(fake.Received())
				fake.SetUp()
			}
			drain(t, d)
		}
		checkOutage(t, db, fake, h, ids, duringOutage)
	})
}

func drain(t *testing.T, d *notify.Dispatcher) {
	t.Helper()
	for range 20 {
		st, err := d.Tick(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.Claimed == 0 {
			return
		}
	}
}

func checkOutage(t *testing.T, db *gorm.DB, fake *fcmfake.Server, h *hooks, ids map[int]int64, duringOutage int) {
	t.Helper()
	var order []int64
	for _, r := range fake.Accepted("") {
		id, _ := strconv.ParseInt(r.Data["notification_id"], 10, 64)
		order = append(order, id)
	}
	want := []int64{ids[0], ids[20], ids[40]}
	t.Logf("FCM requests during the hour down: %d; delivered after: %v; webhook: %v", duringOutage, order, h.got)
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("pushes delivered %v, want %v: the reminder, the open alert's escalation and the later reminder, oldest first", order, want)
	}
	if duringOutage > 25 {
		t.Errorf("%d requests to a down FCM in an hour: the breaker should hold rows between probes", duringOutage)
	}
	if len(h.got) != 1 || h.got[0] != fmt.Sprintf("alert:%d:step:1:user:%d:webhook at +20m", alertOf(t, db, ids[5]), recipientOf(t, db, ids[5])) {
		t.Errorf("webhook deliveries %v, want the critical escalation once, at +20m", h.got)
	}
	for m, reason := range map[int]string{5: notify.ReasonFellBack, 10: notify.ReasonObsolete} {
		var n store.Notification
		db.First(&n, ids[m])
		if n.State != store.NotifyDead || n.LastError != reason {
			t.Errorf("row enqueued at +%dm: %s %q, want dead %q", m, n.State, n.LastError, reason)
		}
	}
}

// alert opens a missed-dose alert for the World's patient.
func alert(t *testing.T, db *gorm.DB, w *storetest.World, critical bool) int64 {
	t.Helper()
	a := store.Alert{PatientID: w.Patient.ID, Kind: store.AlertMissedDose, Critical: critical, OpenedAt: t0, NextStep: 2}
	if err := db.Create(&a).Error; err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// enqueue writes a due push row: a reminder (alertID nil) or step 1 of an escalation.
func enqueue(t *testing.T, db *gorm.DB, clk clock.Clock, to int64, alertID *int64, critical bool) int64 {
	t.Helper()
	n := store.Notification{DedupeKey: fmt.Sprintf("reminder:%d:%d:push", to, clk.Now().Unix()), RecipientID: to,
		Channel: notify.ChannelPush, Kind: "reminder", Critical: critical, NotBefore: clk.Now(), CreatedAt: clk.Now()}
	p := store.OutboxPayload{Template: "dose_reminder", PatientName: "Pat Patient", LocalTime: "08:00", TimeZone: "America/New_York"}
	if alertID != nil {
		n.DedupeKey = fmt.Sprintf("alert:%d:step:1:user:%d:push", *alertID, to)
		n.Kind, n.AlertID = "escalation", alertID
		p = store.OutboxPayload{Template: "missed_dose_caregiver", PatientName: "Pat Patient", AlertID: *alertID, Step: 1,
			LocalTime: "08:00", TimeZone: "America/New_York"}
	}
	if ok, err := store.Enqueue(db, &n, p); err != nil || !ok {
		t.Fatalf("enqueue: %v %v", ok, err)
	}
	return n.ID
}

func alertOf(t *testing.T, db *gorm.DB, id int64) int64 {
	var n store.Notification
	db.First(&n, id)
	return *n.AlertID
}

func recipientOf(t *testing.T, db *gorm.DB, id int64) int64 {
	var n store.Notification
	db.First(&n, id)
	return n.RecipientID
}
