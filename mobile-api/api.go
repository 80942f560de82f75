package mobileapi

import (
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// API is the mobile endpoints' dependencies.
type API struct {
	DB    *gorm.DB
	Clock clock.Clock
	// Reexpand, when set, re-expands a patient's future pending doses after
	// a time-zone or travel-policy change (the schedule package owns
	// expansion). It runs in the transaction that saves the change, with the
	// patient as changed, so a failure leaves the old zone in place.
	Reexpand func(tx *gorm.DB, pt *store.Patient, now time.Time) error
}

// Register mounts the mobile endpoints on r behind required (auth.Service.Required).
func (a *API) Register(r gin.IRouter, required gin.HandlerFunc) {
	patient := auth.RequireRole(store.RolePatient)
	caregiver := auth.RequireRole(store.RoleCaregiver)
	both := auth.RequireRole(store.RolePatient, store.RoleCaregiver)
	g := r.Group("/v1", required)

	g.GET("/me/today", patient, a.handleMyToday)
	g.GET("/me/doses", patient, a.handleHistory)
	g.GET("/me/adherence", patient, a.handleAdherence)
	g.GET("/me/dispenser", patient, a.handleMyDispenser)
	g.POST("/me/prn", patient, a.handlePRN)
	g.GET("/me/links", patient, a.handleListLinks)
	g.POST("/me/links", patient, a.handleInvite)
	g.GET("/me/preferences", a.handleGetPrefs)
	g.PATCH("/me/preferences", a.handlePatchPrefs)
	g.POST("/me/push-tokens", a.handlePutToken)
	g.DELETE("/me/push-tokens/:token", a.handleDeleteToken)

	g.POST("/doses/:id/take", both, a.handleTake)
	g.POST("/doses/:id/skip", both, a.handleSkip)
	g.POST("/doses/:id/snooze", patient, a.handleSnooze)
	g.DELETE("/links/:id", both, a.handleEndLink)

	g.GET("/caregiver/patients", caregiver, a.handleGlance)
	g.GET("/caregiver/patients/:id/today", caregiver, a.handleCaregiverToday)
	g.PUT("/caregiver/patients/:id/mute", caregiver, a.handleMute)
	g.GET("/caregiver/alerts", caregiver, a.handleInbox)
	g.GET("/caregiver/invitations", caregiver, a.handleInvitations)
	g.POST("/alerts/:id/ack", caregiver, a.handleAck)
	g.POST("/invitations/:id/accept", caregiver, a.handleAccept)
	g.POST("/invitations/:id/decline", caregiver, a.handleDecline)
}
