package main

import (
	"context"

	"github.com/doseloop/doseloop/apidoc"
	mobileapi "github.com/doseloop/doseloop/mobile-api"
	"github.com/gin-gonic/gin"
)

// wireMobile mounts the patient and caregiver endpoints and the OpenAPI
// document (GET /openapi.json) describing every public endpoint.
func (a *app) wireMobile(ctx context.Context) error {
	api := &mobileapi.API{DB: a.db, Clock: a.clock}
	a.routes = append(a.routes, func(r gin.IRouter) {
		api.Register(r, a.auth.Required())
		apidoc.Register(r)
	})
	return nil
}
