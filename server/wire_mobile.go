package main

import (
	"context"
	"time"

	"github.com/doseloop/doseloop/apidoc"
	mobileapi "github.com/doseloop/doseloop/mobile-api"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// wireMobile mounts the patient and caregiver endpoints and the OpenAPI
// document (GET /openapi.json) describing every public endpoint. A patient's
// time-zone or travel-policy change re-expands their future doses through
// the schedule package, in the transaction that saves the change.
func (a *app) wireMobile(ctx context.Context) error {
	api := &mobileapi.API{DB: a.db, Clock: a.clock, Reexpand: func(tx *gorm.DB, pt *store.Patient, now time.Time) error {
		return schedule.ReexpandPatient(tx, pt, now, schedule.DefaultHorizon)
	}}
	a.routes = append(a.routes, func(r gin.IRouter) {
		api.Register(r, a.auth.Required())
		apidoc.Register(r)
	})
	return nil
}
