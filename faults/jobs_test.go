package faults_test

import (
	"context"
	"testing"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/faults"
	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"go.uber.org/goleak"
	"gorm.io/gorm"
)

// t0 is 08:00 in New York, when the World's morning dose is due.
var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// TestDatabaseOutageDuringSweepAndDispatch cuts Postgres from 08:55 to
// 09:40 while the minute jobs and the dispatcher run: the 09:00 missed
// sweep and the escalation steps due in the outage fail, back off, and run
// once the database is back; every step fires exactly once, every row ends
// sent (none left claimed), and no goroutine is left behind. Duplicated
// pushes (a send whose record the cut lost) are counted and printed.
func TestDatabaseOutageDuringSweepAndDispatch(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	direct, px, via := faults.Proxied(t)
	leaks := goleak.IgnoreCurrent()
	db, err := store.Open(context.Background(), via)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(t0.Add(-time.Minute))
	w := storetest.NewWorld(t, direct, "dbjobs", t0.Add(-24*time.Hour))
	fake, push := fakeFCM(t)
	token(t, direct, clk, w.PatientUsr.ID, "tok-patient")
	token(t, direct, clk, w.Caregiver.ID, "tok-caregiver")
	if _, err := schedule.ExtendHorizons(context.Background(), direct, clk.Now(), schedule.DefaultHorizon); err != nil {
		t.Fatal(err)
	}
	sched := schedule.New(db, clk)
	sched.Log = quiet
	d := &notify.Dispatcher{DB: db, Clock: clk, Push: push, Logger: quiet}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { d.Run(ctx, 5*time.Millisecond); close(stopped) }()

	failed := 0
	for now := clk.Now(); !now.After(t0.Add(3 * time.Hour)); now = clk.Advance(time.Minute) {
		switch now {
		case t0.Add(55 * time.Minute):
			px.Cut()
		case t0.Add(100 * time.Minute):
			if err := px.Restore(); err != nil {
				t.Fatal(err)
			}
		}
		if sched.Tick(ctx, now) != nil {
			failed++
			time.Sleep(20 * time.Millisecond) // the dispatcher meets the outage too
			continue
		}
		drained(t, direct, now)
	}
	cancel()
	<-stopped
	checkLadder(t, direct, w, failed)
	dups := 0
	seen := map[string]int{}
	for _, r := range fake.Accepted("") {
		if seen[r.Data["notification_id"]]++; seen[r.Data["notification_id"]] > 1 {
			dups++
		}
	}
	t.Logf("ticks failed during the outage: %d; pushes delivered: %d distinct, %d duplicates", failed, len(seen), dups)
	if len(seen) != 4 {
		t.Fatalf("%d distinct notifications delivered, want 4", len(seen))
	}
	store.Close(db)
	fake.Close() // the SDK's idle connections to it are the test's, not the dispatcher's
	if err := goleak.Find(faults.IgnoreProxy(leaks)...); err != nil {
		t.Fatalf("goroutines leaked: %v", err)
	}
}

// drained waits (real time) until the dispatcher has sent everything due.
func drained(t *testing.T, db *gorm.DB, now time.Time) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		var n int64
		db.Model(&store.Notification{}).Where("state IN ? AND not_before <= ? AND (lease_until IS NULL OR lease_until < ?)",
			[]string{store.NotifyPending, store.NotifySending}, now, now).Count(&n)
		if n == 0 {
			return
		}
	}
	t.Fatalf("the dispatcher did not drain the outbox at %s", now)
}

// checkLadder: the dose is missed once, one alert, and the reminder,
// re-reminder and both escalation steps each queued once and sent.
func checkLadder(t *testing.T, db *gorm.DB, w *storetest.World, failed int) {
	t.Helper()
	if failed == 0 {
		t.Fatal("no tick failed: the outage did not happen")
	}
	var dose store.DoseInstance
	db.Where("regimen_id = ? AND scheduled_at = ?", w.Regimen.ID, t0).Take(&dose)
	var alerts int64
	db.Model(&store.Alert{}).Where("dose_id = ?", dose.ID).Count(&alerts)
	if dose.State != store.DoseMissed || alerts != 1 {
		t.Fatalf("dose %s with %d alerts, want missed with one alert", dose.State, alerts)
	}
	var rows []store.Notification
	db.Order("id").Find(&rows)
	kinds := map[string]int{}
	for _, r := range rows {
		kinds[r.Kind]++
		if r.State != store.NotifySent {
			t.Errorf("notification %s is %s (%s), want sent", r.DedupeKey, r.State, r.LastError)
		}
	}
	want := map[string]int{schedule.KindReminder: 1, schedule.KindReReminder: 1, schedule.KindEscalation: 2}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s rows, want %d (all: %v)", kinds[k], k, n, kinds)
		}
	}
}
