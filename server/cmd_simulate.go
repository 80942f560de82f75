package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/doseloop/doseloop/dispenser/sim"
	"github.com/doseloop/doseloop/seed"
)

// cmdSimulate drives a running server with simulated dispensers:
//
//	server simulate -serials DL-DEMO-0001,DL-DEMO-0002     reuse (demo) dispensers
//	server simulate -devices 20 -patients 3,4 -email admin@clinic.example
//
// With -devices it signs in as a clinic admin (password from
// DOSELOOP_SIM_ADMIN_PASSWORD) and provisions SIM-0001... through the admin
// API, reusing ones that already exist. Keys come from seed.DispenserKey.
func cmdSimulate(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "server base URL")
	serials := fs.String("serials", "", "comma-separated serials of existing dispensers to drive")
	devices := fs.Int("devices", 0, "provision this many SIM-NNNN dispensers through the admin API")
	patients := fs.String("patients", "", "comma-separated patient ids to assign provisioned dispensers to (round robin)")
	email := fs.String("email", "", "clinic admin email for provisioning")
	tick := fs.Duration("tick", 30*time.Second, "how often each device wakes up")
	dur := fs.Duration("duration", 0, "stop after this long (0 = until interrupted)")
	if err := fs.Parse(args); err != nil || (*serials == "") == (*devices == 0) || *tick < time.Second {
		fmt.Fprintln(stderr, "usage: doseloop simulate [-url URL] (-serials S1,S2 | -devices N -email ADMIN [-patients 1,2]) [-tick 30s] [-duration 0]")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *dur > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *dur)
		defer cancel()
	}
	names := splitList(*serials)
	if *devices > 0 {
		var err error
		if names, err = provisionSim(ctx, *base, *email, getenv("DOSELOOP_SIM_ADMIN_PASSWORD"), *devices, *patients); err != nil {
			fmt.Fprintln(stderr, "doseloop: simulate:", err)
			return 1
		}
	}
	client := &http.Client{Timeout: 15 * time.Second}
	fleet := &sim.Fleet{Profile: sim.DefaultProfile, Tick: *tick, Log: slog.Default(), Seed: uint64(time.Now().UnixNano())}
	for _, s := range names {
		fleet.Devices = append(fleet.Devices, &sim.Device{Serial: s, Key: seed.DispenserKey(s), BaseURL: *base, HTTP: client})
	}
	fmt.Fprintf(stdout, "simulating %d dispensers against %s (Ctrl-C to stop)\n", len(names), *base)
	fleet.Run(ctx)
	return 0
}

func provisionSim(ctx context.Context, base, email, password string, n int, patients string) ([]string, error) {
	if email == "" || password == "" {
		return nil, fmt.Errorf("-devices needs -email and DOSELOOP_SIM_ADMIN_PASSWORD")
	}
	var ids []int64
	for _, p := range splitList(patients) {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("-patients: %q is not a patient id", p)
		}
		ids = append(ids, id)
	}
	admin, err := sim.Login(ctx, base, email, password)
	if err != nil {
		return nil, err
	}
	var names []string
	for i := range n {
		serial := fmt.Sprintf("SIM-%04d", i+1)
		var patient int64
		if len(ids) > 0 {
			patient = ids[i%len(ids)]
		}
		if err := admin.Provision(ctx, serial, seed.DispenserKey(serial), patient); err != nil {
			return nil, fmt.Errorf("provision %s: %w", serial, err)
		}
		names = append(names, serial)
	}
	return names, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
