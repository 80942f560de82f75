package main

import (
	"context"
	"fmt"
	"io"

	webapp "github.com/doseloop/doseloop/app"
	"github.com/doseloop/doseloop/seed"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// wireApp serves the patient and caregiver web app at /app/, with the
// Firebase web config (or none: push off) at /app/config.json.
func (a *app) wireApp(ctx context.Context) error {
	h := webapp.New(a.cfg.FirebaseWeb)
	a.routes = append(a.routes, func(r gin.IRouter) { h.Register(r) })
	return nil
}

// printAppLogins tells the demo's user where the app is and whom to sign in
// as: the first demo patient (who has a dispenser, so the app shows its
// live activity) and the first caregiver, who is linked to that patient.
func printAppLogins(stdout io.Writer, d *seed.Demo, base string) {
	var patient, caregiver string
	for _, l := range d.Logins {
		if l.Role == store.RolePatient && patient == "" {
			patient = l.Email
		}
		if l.Role == store.RoleCaregiver && caregiver == "" {
			caregiver = l.Email
		}
	}
	fmt.Fprintf(stdout, "Patient and caregiver app: %s/app/ (patient %s, caregiver %s; password %q)\n",
		base, patient, caregiver, seed.DemoPassword)
}
