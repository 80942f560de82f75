package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/doseloop/doseloop/metrics"
)

// listeners are the sockets serve uses, bound by cmdServe before it opens
// the database: a port clash must fail before anything is created.
type listeners struct {
	api, metrics net.Listener
}

func bindListeners(cfg Config) (listeners, error) {
	var l listeners
	var err error
	if l.api, err = net.Listen("tcp", cfg.Addr); err != nil {
		return l, fmt.Errorf("cannot listen on %s (DOSELOOP_ADDR or -addr): %w", cfg.Addr, errors.Unwrap(err))
	}
	if cfg.MetricsAddr != "" {
		if l.metrics, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			l.api.Close()
			return l, fmt.Errorf("cannot listen on %s (DOSELOOP_METRICS_ADDR): %w", cfg.MetricsAddr, errors.Unwrap(err))
		}
	}
	return l, nil
}

func (l listeners) close() {
	for _, ln := range []net.Listener{l.api, l.metrics} {
		if ln != nil {
			ln.Close()
		}
	}
}

// listener returns the pre-bound API socket, or binds one (tests and
// benchmarks build an app without cmdServe).
func (a *app) listener() (net.Listener, error) {
	if a.lns.api != nil {
		return a.lns.api, nil
	}
	return net.Listen("tcp", a.cfg.Addr)
}

// serveMetrics serves /metrics on DOSELOOP_METRICS_ADDR until ctx ends.
func (a *app) serveMetrics(ctx context.Context) {
	if a.lns.metrics == nil {
		return
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", metrics.HTTPHandler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(a.lns.metrics); err != nil && !errors.Is(err, http.ErrServerClosed) {
			slog.Error("metrics listener stopped", "err", err)
		}
	}()
	context.AfterFunc(ctx, func() { srv.Close() })
}
