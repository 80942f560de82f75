// Package admin is the clinic administrator's JSON API: users, patients,
// care teams, caregiver links, the medication formulary and the audit log.
// Every query is scoped to the admin's own clinic, so another clinic's
// objects answer 404. Every change to patient data writes an audit row.
//
//	GET  /v1/admin/users                 list users (?role=)
//	POST /v1/admin/users                 create a user (password generated when omitted)
//	POST /v1/admin/users/:id/disable     disable a user (ends their sessions)
//	POST /v1/admin/users/:id/unlock      forget the user's failed sign-ins
//	POST /v1/admin/users/:id/reset-code  issue a one-time password reset code
//	POST /v1/admin/users/:id/end-sessions  sign the user out everywhere
//	GET|PUT /v1/admin/clinic/security    the clinic's MFA requirement
//	GET  /v1/admin/break-glass           emergency accesses opened in the clinic
//	GET  /v1/admin/patients              list patients
//	POST /v1/admin/patients              create a patient (optionally with a login)
//	PUT  /v1/admin/patients/:id/care-team        set the care-team physicians
//	POST /v1/admin/patients/:id/caregivers       link a caregiver (active when consent is recorded)
//	GET  /v1/admin/medications           list the formulary
//	POST /v1/admin/medications           add a medication
//	GET  /v1/admin/audit                 audit log (?patient_id= &actor_id= &from= &to=)
package admin

import (
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// Handler serves the admin API.
type Handler struct {
	DB    *gorm.DB
	Clock clock.Clock
	Auth  *auth.Service
	// PasswordCost is the bcrypt cost for new users.
	PasswordCost int
}

// Register mounts the admin routes behind authentication and the admin role.
func (h *Handler) Register(r gin.IRouter) {
	g := r.Group("/v1/admin", h.Auth.Required(), auth.RequireRole(store.RoleAdmin))
	g.GET("/users", h.listUsers)
	g.POST("/users", h.createUser)
	g.POST("/users/:id/disable", h.disableUser)
	g.POST("/users/:id/unlock", h.unlockUser)
	g.POST("/users/:id/reset-code", h.resetCode)
	g.POST("/users/:id/end-sessions", h.endSessions)
	g.GET("/clinic/security", h.clinicSecurity)
	g.PUT("/clinic/security", h.setClinicSecurity)
	g.GET("/break-glass", h.listBreakGlass)
	g.GET("/patients", h.listPatients)
	g.POST("/patients", h.createPatient)
	g.PUT("/patients/:id/care-team", h.setCareTeam)
	g.POST("/patients/:id/caregivers", h.linkCaregiver)
	g.GET("/medications", h.listMedications)
	g.POST("/medications", h.createMedication)
	g.GET("/audit", h.listAudit)
}
