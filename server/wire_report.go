package main

import (
	"context"

	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/web"
	"github.com/gin-gonic/gin"
)

// wireReport mounts the adherence API and exports (/v1/...adherence, CSV,
// FHIR) and the physician/admin dashboard under /web.
func (a *app) wireReport(ctx context.Context) error {
	api := &report.API{DB: a.db, Clock: a.clock, PublicURL: a.cfg.PublicURL}
	dash := web.New(a.db, a.clock, a.auth, a.cfg.SecureCookies)
	a.routes = append(a.routes, func(r gin.IRouter) {
		api.Register(r, a.auth.Required())
		dash.Register(r)
	})
	return nil
}
