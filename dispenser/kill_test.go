package dispenser_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/doseloop/doseloop/dispenser/benchfleet"
	"github.com/doseloop/doseloop/dispenser/sim"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestKillDuringIngestion builds the real server binary, drives it with a
// retrying fleet, kills it with SIGKILL twice mid-run and restarts it, and
// proves every acknowledged event is stored exactly once.
func TestKillDuringIngestion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	t.Parallel()
	db, url := storetest.PostgresURL(t)
	if err := store.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "server")
	build := exec.Command("go", "build", "-o", bin, "../server")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	addr := freeAddr(t)
	base := "http://" + addr
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "-addr", addr)
		cmd.Env = append(os.Environ(), "DOSELOOP_DATABASE_URL="+url, "DOSELOOP_SCHEDULER=off",
			"DOSELOOP_LOG_LEVEL=error", "DOSELOOP_BOOTSTRAP_ADMIN_PASSWORD=kill-test-password")
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		waitUp(t, base)
		return cmd
	}
	srv := start()
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })

	client := &http.Client{Timeout: 5 * time.Second}
	fleet, err := benchfleet.Provision(context.Background(), db, "KILL", 6, base, client)
	if err != nil {
		t.Fatal(err)
	}
	load := &sim.Load{Walkers: fleet.Walkers, Batch: 50, Concurrency: 6, Duration: 10 * time.Second,
		RetryChance: 0.05, GiveUp: time.Minute}
	done := make(chan *sim.LoadResult)
	go func() { done <- load.Run(context.Background()) }()

	for kill, atLeast := range []int64{400, 2500} {
		waitEvents(t, db, atLeast)
		srv.Process.Signal(syscall.SIGKILL)
		srv.Wait()
		t.Logf("kill %d: SIGKILL after at least %d events", kill+1, atLeast)
		srv = start()
	}
	res := <-done
	stats, err := benchfleet.Check(context.Background(), db, fleet.ClinicID, res.Acked, res.Sent)
	if err != nil {
		t.Fatal(err)
	}
	acked := 0
	for _, ids := range res.Acked {
		acked += len(ids)
	}
	t.Logf("requests=%d retried=%d acked=%d stored=%d", res.Requests, res.Retried, acked, stats.Stored)
	if res.Errors != 0 || stats.Lost != 0 || stats.Duplicates != 0 || acked < 2500 || res.Retried == 0 {
		t.Fatalf("errors=%d lost=%d duplicates=%d acked=%d retried=%d", res.Errors, stats.Lost, stats.Duplicates, acked, res.Retried)
	}
	var twice int64
	db.Raw(`SELECT count(*) FROM (SELECT dose_id FROM dose_events WHERE flag = '' AND dose_id IS NOT NULL
		GROUP BY dose_id HAVING count(*) > 1) x`).Scan(&twice)
	if twice != 0 {
		t.Fatalf("%d doses were recorded by more than one event", twice)
	}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitUp polls /healthz until the server answers (it is starting, not timing out).
func waitUp(t *testing.T, base string) {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			return
		}
	}
	t.Fatal("server did not come up")
}

// waitEvents polls until at least n events are stored.
func waitEvents(t *testing.T, db *gorm.DB, n int64) {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var got int64
		db.Model(&store.DoseEvent{}).Count(&got)
		if got >= n {
			return
		}
	}
	t.Fatalf("fewer than %d events arrived", n)
}
