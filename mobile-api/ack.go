package mobileapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// POST /v1/alerts/{id}/ack acknowledges an open alert of a linked patient:
// it closes the alert (no later escalation step fires) and records who
// acknowledged it. An alert already closed answers 409.
func (a *API) handleAck(c *gin.Context) {
	p := auth.PrincipalOf(c)
	id, err := idParam(c, "alert")
	var al store.Alert
	if err == nil {
		err = a.db(c).Transaction(func(tx *gorm.DB) error {
			err := tx.Where("id = ? AND patient_id IN (?)", id, auth.VisiblePatients(tx, p)).Take(&al).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errNotFound("alert")
			} else if err != nil {
				return err
			}
			now := a.Clock.Now()
			res := tx.Model(&store.Alert{}).Where("id = ? AND closed_at IS NULL", id).Updates(map[string]any{
				"closed_at": now, "close_reason": "acknowledged", "acknowledged_by": p.UserID, "acknowledged_at": now, "next_at": nil})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return apperr.E(apperr.Conflict, "this alert is already closed (%s)", al.CloseReason).WithReason("alert_closed")
			}
			return tx.Take(&al, id).Error
		})
	}
	if err != nil {
		outcome := auth.OutcomeDenied
		if apperr.Is(err, apperr.Conflict) {
			outcome = auth.OutcomeRefused
		}
		if al.PatientID == 0 {
			al.PatientID = auth.TargetPatient(c, a.DB, auth.TableAlerts, id)
		}
		auth.Audit(c, a.DB, "alert.ack", al.PatientID, "alert", id, outcome)
		httpx.Fail(c, err)
		return
	}
	views, err := a.alertViews(c, p.UserID, []store.Alert{al})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, a.DB, "alert.ack", al.PatientID, "alert", id, auth.OutcomeOK)
	c.JSON(http.StatusOK, views[0])
}

type muteRequest struct {
	Until *time.Time `json:"until"`
}

// maxMute caps how long a caregiver may mute a patient's alerts.
const maxMute = 30 * 24 * time.Hour

// PUT /v1/caregiver/patients/{id}/mute mutes the patient's non-critical
// alerts for the caller until "until" (at most 30 days ahead); null unmutes.
func (a *API) handleMute(c *gin.Context) {
	var req muteRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	now := a.Clock.Now()
	if req.Until != nil {
		u := req.Until.UTC().Truncate(time.Microsecond)
		if !u.After(now) || u.After(now.Add(maxMute)) {
			httpx.Fail(c, apperr.Validation(apperr.FieldError{Field: "until", Message: "must be in the future, at most 30 days ahead, or null to unmute"}))
			return
		}
		req.Until = &u
	}
	p := auth.PrincipalOf(c)
	id, err := idParam(c, "patient")
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	var until any = gorm.Expr("NULL") // a typed nil pointer would not clear the column
	if req.Until != nil {
		until = *req.Until
	}
	res := a.db(c).Model(&store.CareLink{}).Where("patient_id = ? AND caregiver_id = ? AND state = ?", id, p.UserID, store.LinkActive).
		Update("muted_until", until)
	if res.Error != nil {
		httpx.Fail(c, res.Error)
		return
	}
	if res.RowsAffected == 0 {
		auth.Audit(c, a.DB, "patient.mute", id, "patient", id, auth.OutcomeDenied)
		httpx.Fail(c, auth.ErrPatientNotFound)
		return
	}
	auth.Audit(c, a.DB, "patient.mute", id, "patient", id, auth.OutcomeOK)
	c.JSON(http.StatusOK, gin.H{"patient_id": id, "muted_until": req.Until})
}
