package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/dispenser/benchfleet"
	"github.com/doseloop/doseloop/dispenser/sim"
	"github.com/doseloop/doseloop/faults"
	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
)

// benchFailover runs "bench failover": a pg_auto_failover formation
// (monitor, primary, synchronous standby) in a temp dir on local ports, the
// server in-process on its multi-host URL, a retrying fleet posting events;
// it SIGKILLs the primary mid-load, measures how long until the standby
// accepts writes, and checks that every acknowledged event is stored exactly
// once and that the scheduler and dispatcher run on the new primary.
func benchFailover(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench failover", flag.ContinueOnError)
	fs.SetOutput(stderr)
	port := fs.Int("port", 6540, "monitor port; the nodes take the next two")
	devices := fs.Int("devices", 20, "simulated dispensers")
	before := fs.Duration("before", 10*time.Second, "load before the primary is killed")
	after := fs.Duration("after", 15*time.Second, "load after the standby is promoted")
	if fs.Parse(args) != nil {
		return 2
	}
	if why := faults.AutoFailoverAvailable(); why != "" {
		fmt.Fprintln(stderr, "bench failover:", why)
		return 2
	}
	dir, _ := os.MkdirTemp("", "doseloop-failover-")
	defer os.RemoveAll(dir)
	log, _ := os.Create(dir + ".log")
	defer log.Close()
	c, err := faults.StartCluster(dir, *port, log)
	if err != nil {
		fmt.Fprintln(stderr, "bench failover:", err)
		return 1
	}
	defer c.Stop()
	if err := failover(c, *devices, *before, *after, stdout); err != nil {
		fmt.Fprintln(stderr, "bench failover:", err, "(cluster log:", log.Name()+")")
		return 1
	}
	return 0
}

func failover(c *faults.Cluster, devices int, before, after time.Duration, stdout io.Writer) error {
	ctx := context.Background()
	primary, syncNames, err := c.WaitSynchronous(ctx, 4*time.Minute)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cluster up: primary :%d, synchronous_standby_names = %s\n", primary, syncNames)
	env := map[string]string{"DOSELOOP_DATABASE_URL": c.URI(), "DOSELOOP_SCHEDULER": "off", "DOSELOOP_LOG_LEVEL": "error"}
	cfg, errs := LoadConfig(func(k string) string { return env[k] })
	if len(errs) > 0 {
		return errs[0]
	}
	setupLogging(cfg, io.Discard)
	a, err := newApp(ctx, cfg, clock.Real{}, io.Discard)
	if err != nil {
		return err
	}
	defer a.close()
	srv := httptest.NewServer(a.router())
	defer srv.Close()
	fleet, err := benchfleet.Provision(ctx, a.db, "HA", devices, srv.URL, &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		return err
	}
	load := &sim.Load{Walkers: fleet.Walkers, Batch: 20, Concurrency: 4, Duration: before + after + 2*time.Minute,
		GiveUp: 3 * time.Minute}
	lctx, stopLoad := context.WithCancel(ctx)
	done := make(chan *sim.LoadResult)
	go func() { done <- load.Run(lctx) }()
	time.Sleep(before)
	standby := c.Ports[0] + c.Ports[1] - primary
	killed := time.Now()
	c.Kill(primary)
	if err := c.WaitPrimary(ctx, standby, 3*time.Minute); err != nil {
		stopLoad()
		<-done
		return err
	}
	promoted := time.Since(killed)
	time.Sleep(after)
	stopLoad()
	res := <-done
	return failoverReport(ctx, a, fleet, res, promoted, stdout)
}

// failoverReport checks the database through the multi-host URL (now the
// promoted standby) and prints the last line.
func failoverReport(ctx context.Context, a *app, fleet *benchfleet.Fleet, res *sim.LoadResult, promoted time.Duration, stdout io.Writer) error {
	st, err := benchfleet.Check(ctx, a.db, fleet.ClinicID, res.Acked, res.Sent)
	if err != nil {
		return err
	}
	acked := 0
	for _, ids := range res.Acked {
		acked += len(ids)
	}
	sched := "ok"
	if err := schedule.New(a.db, clock.Real{}).Tick(ctx, time.Now()); err != nil {
		sched = "failed: " + err.Error()
	}
	d := &notify.Dispatcher{DB: a.db, Clock: clock.Real{}}
	disp := "ok"
	if _, err := d.Tick(ctx); err != nil {
		disp = "failed: " + err.Error()
	}
	var claimed int64
	a.db.Model(&store.Notification{}).Where("state = ? AND lease_until < ?", store.NotifySending, time.Now()).Count(&claimed)
	fmt.Fprintf(stdout, "failover: promoted_in_s=%.1f events=%d acked=%d acked_lost=%d duplicates=%d errors=%d scheduler=%s dispatcher=%s stale_claims=%d\n",
		promoted.Seconds(), st.Stored, acked, st.Lost, st.Duplicates, res.Errors, sched, disp, claimed)
	if st.Lost != 0 || st.Duplicates != 0 {
		return fmt.Errorf("lost %d, duplicated %d acknowledged events", st.Lost, st.Duplicates)
	}
	return nil
}
