package main

import (
	"context"

	"github.com/doseloop/doseloop/dispenser"
	"github.com/gin-gonic/gin"
)

// ingestPerEventMatching makes ingestion match one event at a time; only
// "bench ingest -matching per-event" sets it, to measure the set-based path.
var ingestPerEventMatching bool

// wireDispenser mounts the device API (/v1/dispenser/...) and the admin
// provisioning API (/v1/dispensers...).
func (a *app) wireDispenser(ctx context.Context) error {
	svc := dispenser.New(a.db, a.clock)
	svc.PerEventMatching = ingestPerEventMatching
	a.routes = append(a.routes, func(r gin.IRouter) { svc.Register(r, a.auth) })
	return nil
}
