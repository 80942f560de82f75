package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/doseloop/doseloop/dispenser/sim"
	"github.com/doseloop/doseloop/seed"
)

// startDemoSimulation runs the demo clinic's dispensers as a simulated fleet
// against this server (a background worker): each device wakes every 30 s,
// pulls its schedule, takes its doses the way real patients do (mostly on
// time, some late, some missed, the odd double dose), goes offline now and
// then and posts its backlog, and heartbeats every 5 minutes. A dozen
// devices at that pace is a gentle load.
func (a *app) startDemoSimulation(ctx context.Context, d *seed.Demo) error {
	if len(d.Dispensers) == 0 {
		return nil
	}
	base := "http://" + loopbackOf(a.cfg.Addr)
	client := &http.Client{Timeout: 15 * time.Second}
	fleet := &sim.Fleet{Profile: sim.DefaultProfile, Tick: 30 * time.Second, Log: slog.Default().With("component", "demo-sim"),
		Seed: uint64(time.Now().UnixNano())}
	for _, serial := range d.Dispensers {
		fleet.Devices = append(fleet.Devices, &sim.Device{Serial: serial, Key: seed.DispenserKey(serial), BaseURL: base, HTTP: client})
	}
	a.addWorker("demo-dispenser-simulator", func(ctx context.Context) error {
		fleet.Run(ctx)
		return ctx.Err()
	})
	return nil
}

// loopbackOf turns a listen address (":8080", "0.0.0.0:8080", "[::]:8080")
// into one the in-process simulator can dial.
func loopbackOf(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "127.0.0.1:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" || strings.EqualFold(host, "localhost") {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// browserURL is the base URL to print for a person: the listen address with
// a wildcard host shown as localhost, and https when TLS is on.
func (a *app) browserURL() string {
	host, port, err := net.SplitHostPort(a.cfg.Addr)
	if err != nil {
		host, port = "", "8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	scheme := "http"
	if a.cfg.TLSCertFile != "" {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}
