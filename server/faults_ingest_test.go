package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/dispenser/benchfleet"
	"github.com/doseloop/doseloop/dispenser/sim"
	"github.com/doseloop/doseloop/faults"
	"github.com/doseloop/doseloop/store"
	"go.uber.org/goleak"
	"gorm.io/gorm"
)

// TestDatabaseOutageDuringIngestion cuts every connection to Postgres while
// a retrying fleet posts events: each request either succeeds after commit
// or gets a 503 problem with Retry-After, /readyz is 503 while the database
// is away and 200 after, every acknowledged event is stored once, and no
// goroutine outlives the server. Not parallel: the leak check counts
// goroutines.
func TestDatabaseOutageDuringIngestion(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	direct, px, via := faults.Proxied(t)
	leaks := goleak.IgnoreCurrent()
	a := proxiedApp(t, via, clock.NewFake(time.Now().UTC()))
	srv := httptest.NewServer(a.router())
	rec := &recorder{next: &http.Transport{}}
	client := &http.Client{Transport: rec, Timeout: 10 * time.Second}
	fleet, err := benchfleet.Provision(context.Background(), direct, "DBO", 4, srv.URL, client)
	if err != nil {
		t.Fatal(err)
	}
	load := &sim.Load{Walkers: fleet.Walkers, Batch: 20, Concurrency: 4, Duration: 6 * time.Second, GiveUp: time.Minute}
	done := make(chan *sim.LoadResult)
	go func() { done <- load.Run(context.Background()) }()

	waitStored(t, direct, 200)
	px.Cut()
	outage(t, client, srv.URL)
	if err := px.Restore(); err != nil {
		t.Fatal(err)
	}
	waitReady(t, client, srv.URL)
	res := <-done

	st, err := benchfleet.Check(context.Background(), direct, fleet.ClinicID, res.Acked, res.Sent)
	if err != nil {
		t.Fatal(err)
	}
	ok, unavailable := rec.check(t)
	t.Logf("requests=%d retried=%d answered_ok=%d answered_503=%d stored=%d lost=%d duplicates=%d",
		res.Requests, res.Retried, ok, unavailable, st.Stored, st.Lost, st.Duplicates)
	if st.Lost != 0 || st.Duplicates != 0 || res.Errors != 0 || unavailable == 0 {
		t.Fatalf("lost=%d duplicates=%d errors=%d 503s=%d: want nothing lost or doubled, and the outage seen as 503s",
			st.Lost, st.Duplicates, res.Errors, unavailable)
	}
	srv.Close()
	client.CloseIdleConnections()
	a.close()
	if err := goleak.Find(faults.IgnoreProxy(leaks)...); err != nil {
		t.Fatalf("goroutines leaked after the outage: %v", err)
	}
}

// proxiedApp wires the server on the database URL via (scheduler off).
func proxiedApp(t *testing.T, via string, clk clock.Clock) *app {
	t.Helper()
	env := map[string]string{"DOSELOOP_DATABASE_URL": via, "DOSELOOP_SCHEDULER": "off",
		"DOSELOOP_BOOTSTRAP_ADMIN_EMAIL": "root@example.test", "DOSELOOP_BOOTSTRAP_ADMIN_PASSWORD": "bootstrap-password"}
	cfg, errs := LoadConfig(func(k string) string { return env[k] })
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	a, err := newApp(context.Background(), cfg, clk, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// outage holds the database away for a while and checks what users see:
// /readyz and a sign-in both answer 503 with Retry-After.
func outage(t *testing.T, client *http.Client, base string) {
	t.Helper()
	deadline := time.Now().Add(1500 * time.Millisecond)
	for time.Now().Before(deadline) {
		resp, err := client.Get(base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("/readyz with the database away: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	resp, err := client.Post(base+"/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"root@example.test","password":"bootstrap-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("sign-in with the database away: %d, want 503", resp.StatusCode)
	}
}

// waitReady polls /readyz until it is 200 again.
func waitReady(t *testing.T, client *http.Client, base string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := client.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatal("/readyz did not return to 200 after the database came back")
}

// waitStored polls until at least n events are stored.
func waitStored(t *testing.T, db *gorm.DB, n int64) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var got int64
		db.Model(&store.DoseEvent{}).Count(&got)
		if got >= n {
			return
		}
	}
	t.Fatalf("fewer than %d events arrived", n)
}
