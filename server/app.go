package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// app is the wired server: configuration, database, clock, services, and the
// background workers that serve starts next to the HTTP server.
type app struct {
	cfg     Config
	db      *gorm.DB
	clock   clock.Clock
	auth    *auth.Service
	log     *slog.Logger
	workers []worker
	routes  []func(gin.IRouter) // each feature's Register
	mu      sync.Mutex
	addr    string // the address serve listens on, once it does
	lns     listeners
}

// worker is a background loop (scheduler, dispatcher); it returns when ctx ends.
type worker struct {
	name string
	run  func(ctx context.Context) error
}

func (a *app) addWorker(name string, run func(ctx context.Context) error) {
	a.workers = append(a.workers, worker{name: name, run: run})
}

// newApp opens and migrates the database, creates the first admin on an empty
// database, and wires every feature.
func newApp(ctx context.Context, cfg Config, clk clock.Clock, stdout io.Writer) (*app, error) {
	db, err := store.OpenMigrated(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	secret := cfg.TokenSecret
	if len(secret) == 0 {
		secret = make([]byte, 32)
		rand.Read(secret)
		slog.Warn("DOSELOOP_TOKEN_SECRET is unset: using a random key, so sign-ins end when the process restarts")
	}
	a := &app{cfg: cfg, db: db, clock: clk, log: slog.Default()}
	a.auth = auth.NewService(db, clk, secret)
	a.auth.AccessTTL, a.auth.RefreshTTL = cfg.AccessTTL, cfg.RefreshTTL
	a.auth.WebIdle, a.auth.WebMax, a.auth.BreakGlassTTL = cfg.SessionIdle, cfg.SessionMax, cfg.BreakGlassTTL
	created, pw, err := auth.Bootstrap(ctx, db, cfg.AdminEmail, cfg.AdminPassword, bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("bootstrap admin: %w", err)
	}
	if created && pw != "" {
		fmt.Fprintf(stdout, "Created the first clinic admin %s with the one-time password: %s\n", cfg.AdminEmail, pw)
	} else if created {
		fmt.Fprintf(stdout, "Created the first clinic admin %s (password from DOSELOOP_BOOTSTRAP_ADMIN_PASSWORD)\n", cfg.AdminEmail)
	}
	if err := a.wireFeatures(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *app) close() { store.Close(a.db) }
