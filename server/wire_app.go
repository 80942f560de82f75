package main

import (
	"context"

	webapp "github.com/doseloop/doseloop/app"
	"github.com/gin-gonic/gin"
)

// wireApp serves the patient and caregiver web app at /app/, with the
// Firebase web config (or none: push off) at /app/config.json.
func (a *app) wireApp(ctx context.Context) error {
	h := webapp.New(a.cfg.FirebaseWeb)
	a.routes = append(a.routes, func(r gin.IRouter) { h.Register(r) })
	return nil
}
