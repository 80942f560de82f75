package faults_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/doseloop/doseloop/faults/crashpoint"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// receiver counts webhook deliveries per X-DoseLoop-Delivery key.
type receiver struct {
	mu  sync.Mutex
	got map[string]int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got[req.Header.Get("X-DoseLoop-Delivery")]++
}

func (r *receiver) counts() (distinct, duplicates int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range r.got {
		distinct++
		duplicates += n - 1
	}
	return distinct, duplicates
}

// TestCrashMidJob builds the real server, arms a crash point, lets the
// process SIGKILL itself in the middle of a scheduler batch (claimed, not
// committed) and in the middle of dispatch (messages accepted by the
// gateway, not recorded), restarts it each time, and checks the end state:
// every overdue dose missed with exactly one alert, every alert's webhook
// escalation delivered, nothing left claimed; duplicates are counted and
// printed (the documented at-least-once window: each one a message whose
// record the kill lost).
func TestCrashMidJob(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the server binary; waits out a 2-minute lease")
	}
	t.Parallel()
	db, url := storetest.PostgresURL(t)
	if err := store.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	const overdue = 300
	w := storetest.NewWorld(t, db, "crash", time.Now().UTC().Add(-24*time.Hour))
	db.Model(&store.Patient{}).Where("id = ?", w.Patient.ID).Update("escalation_policy",
		`{"steps":[{"after_min":0,"notify":"caregiver","order":1,"channels":["webhook"]}]}`)
	seedOverdue(t, db, w, overdue)
	rec := &receiver{got: map[string]int{}}
	hook := httptest.NewServer(rec)
	t.Cleanup(hook.Close)
	bin := build(t)
	for _, point := range []string{"schedule.batch:1", "notify.before_record:1", "notify.sent:40"} {
		start := time.Now()
		runUntilKilled(t, bin, url, hook.URL, point)
		t.Logf("%s: killed after %s", point, time.Since(start).Round(time.Millisecond))
	}
	final := start(t, bin, url, hook.URL, "")
	defer func() { final.Process.Signal(syscall.SIGTERM); final.Wait() }()
	waitSettled(t, db, overdue, 4*time.Minute)
	distinct, dups := rec.counts()
	t.Logf("crash test: alerts=%d delivered=%d duplicates=%d", overdue, distinct, dups)
	if distinct != overdue {
		t.Fatalf("%d distinct escalations delivered, want %d", distinct, overdue)
	}
}

// seedOverdue inserts n pending doses of the World's regimen, every 5
// minutes back from 2 hours ago: all past their grace.
func seedOverdue(t *testing.T, db *gorm.DB, w *storetest.World, n int) {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Minute)
	var doses []store.DoseInstance
	for i := range n {
		at := now.Add(-2*time.Hour - time.Duration(i)*5*time.Minute)
		doses = append(doses, store.DoseInstance{PatientID: w.Patient.ID, RegimenID: w.Regimen.ID, ScheduledAt: at,
			LocalDate: at.Format("2006-01-02"), LocalTime: at.Format("15:04"), State: store.DosePending, CreatedAt: now, UpdatedAt: now})
	}
	if err := db.CreateInBatches(doses, 100).Error; err != nil {
		t.Fatal(err)
	}
}

func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "server")
	if out, err := exec.Command("go", "build", "-o", bin, "../server").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// start runs the binary with the scheduler on, the webhook channel pointed
// at hook and the crash point armed (if any).
func start(t *testing.T, bin, dbURL, hook, point string) *exec.Cmd {
	t.Helper()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(bin, "serve", "-addr", addr)
	cmd.Env = append(os.Environ(), "DOSELOOP_DATABASE_URL="+dbURL, "DOSELOOP_LOG_LEVEL=error",
		"DOSELOOP_BOOTSTRAP_ADMIN_PASSWORD=crash-test-password", "DOSELOOP_WEBHOOK_URL="+hook,
		"DOSELOOP_WEBHOOK_SECRET=crash-test-webhook-secret", crashpoint.Env+"="+point)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// runUntilKilled starts the binary armed at point and waits (up to two
// scheduler minutes) for it to SIGKILL itself there.
func runUntilKilled(t *testing.T, bin, dbURL, hook, point string) {
	t.Helper()
	cmd := start(t, bin, dbURL, hook, point)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("%s: the server exited (%v) without reaching its crash point", point, cmd.ProcessState)
		}
	case <-time.After(150 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s: the crash point was never reached", point)
	}
}

// waitSettled waits until every overdue dose is missed with one alert and
// the outbox holds one sent webhook row per alert, none claimed or pending.
func waitSettled(t *testing.T, db *gorm.DB, n int, limit time.Duration) {
	t.Helper()
	var state string
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(time.Second) {
		var missed, alerts, sent, open int64
		db.Model(&store.DoseInstance{}).Where("state = ?", store.DoseMissed).Count(&missed)
		db.Model(&store.Alert{}).Count(&alerts)
		db.Model(&store.Notification{}).Where("channel = 'webhook' AND state = ?", store.NotifySent).Count(&sent)
		db.Model(&store.Notification{}).Where("state IN ?", []string{store.NotifyPending, store.NotifySending}).Count(&open)
		state = fmt.Sprintf("missed=%d alerts=%d webhook_sent=%d pending_or_claimed=%d", missed, alerts, sent, open)
		if missed == int64(n) && alerts == int64(n) && sent == int64(n) && open == 0 {
			return
		}
	}
	t.Fatalf("after the crashes and %s the state is %s, want %d of each and nothing open", limit, state, n)
}
