package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/gin-gonic/gin"
)

func cmdServe(args []string, getenv func(string) string, stdout, stderr io.Writer, demo bool) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&demo, "demo", demo, "seed the demo clinic and run simulated dispensers")
	addr := fs.String("addr", "", "listen address (overrides DOSELOOP_ADDR)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, ok := loadConfigOrExit(getenv, stderr)
	if !ok {
		return 2
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	setupLogging(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Bind before any side effect, so a port clash leaves the database untouched.
	lns, err := bindListeners(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "doseloop:", err)
		return 1
	}
	a, err := newApp(ctx, cfg, clock.Real{}, stdout)
	if err != nil {
		lns.close()
		fmt.Fprintln(stderr, "doseloop:", err)
		return 1
	}
	defer a.close()
	a.lns = lns
	if demo {
		if err := a.startDemo(ctx, stdout); err != nil {
			fmt.Fprintln(stderr, "doseloop: demo:", err)
			return 1
		}
	}
	if err := a.serve(ctx, stdout); err != nil {
		fmt.Fprintln(stderr, "doseloop:", err)
		return 1
	}
	return 0
}

// serve runs the HTTP server and the workers until ctx ends, then lets
// in-flight requests finish (up to the shutdown timeout) before returning.
func (a *app) serve(ctx context.Context, stdout io.Writer) error {
	srv := &http.Server{Addr: a.cfg.Addr, Handler: a.router(), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	wctx, cancelWorkers := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	for _, w := range a.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.run(wctx); err != nil && !errors.Is(err, context.Canceled) {
				slog.Error("worker stopped", "worker", w.name, "err", err)
			}
		}()
	}
	ln, err := a.listener()
	if err != nil {
		cancelWorkers()
		wg.Wait()
		return err
	}
	a.serveMetrics(ctx)
	a.mu.Lock()
	a.addr = ln.Addr().String()
	a.mu.Unlock()
	errc := make(chan error, 1)
	scheme := "http"
	if a.cfg.TLSCertFile != "" {
		scheme, srv.TLSConfig = "https", &tls.Config{MinVersion: tls.VersionTLS12}
		go func() { errc <- srv.ServeTLS(ln, a.cfg.TLSCertFile, a.cfg.TLSKeyFile) }()
	} else {
		go func() { errc <- srv.Serve(ln) }()
	}
	fmt.Fprintf(stdout, "DoseLoop listening on %s://%s (database: %s)\n", scheme, ln.Addr(), a.db.Dialector.Name())
	select {
	case err = <-errc:
	case <-ctx.Done():
		slog.Info("shutting down: finishing in-flight requests")
		sctx, cancel := context.WithTimeout(context.Background(), a.cfg.ShutdownTimeout)
		err = srv.Shutdown(sctx)
		cancel()
	}
	cancelWorkers()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

func setupLogging(cfg Config, w io.Writer) {
	if os.Getenv(gin.EnvGinMode) == "" {
		gin.SetMode(gin.ReleaseMode) // release by default; GIN_MODE=debug still works
	}
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	slog.SetDefault(slog.New(h))
}

// listening returns the address serve is listening on, or "" before it is.
func (a *app) listening() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.addr
}
