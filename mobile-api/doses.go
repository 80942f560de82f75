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

// maxBackdate is how far back a patient may record a dose.
const maxBackdate = 24 * time.Hour

// clockSkew tolerates a phone clock slightly ahead of ours.
const clockSkew = 2 * time.Minute

// actualTime is the instant a dose was taken: now when the client sends
// none, else the client's instant, no later than now and no earlier than 24 h
// ago. Errors: Invalid.
func actualTime(t *time.Time, now time.Time) (time.Time, error) {
	if t == nil {
		return now, nil
	}
	at := t.UTC().Truncate(time.Microsecond)
	if at.After(now.Add(clockSkew)) || at.Before(now.Add(-maxBackdate)) {
		return time.Time{}, apperr.Validation(apperr.FieldError{Field: "taken_at", Message: "must be within the last 24 hours and not in the future"})
	}
	if at.After(now) {
		at = now
	}
	return at, nil
}

// doseAction is a handler body for one dose the caller may act on.
type doseAction func(c *gin.Context, tx *gorm.DB, d *store.DoseInstance, now time.Time) error

// actOnDose loads dose {id} through the caller's visible patients (404 for
// any other), runs act in a transaction, audits, and answers the dose.
func (a *API) actOnDose(c *gin.Context, action string, act doseAction) {
	p := auth.PrincipalOf(c)
	id, err := idParam(c, "dose")
	var d store.DoseInstance
	if err == nil {
		err = a.db(c).Transaction(func(tx *gorm.DB) error {
			err := tx.Where("id = ? AND patient_id IN (?)", id, auth.VisiblePatients(tx, p)).Take(&d).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return errNotFound("dose")
			} else if err != nil {
				return err
			}
			return act(c, tx, &d, a.Clock.Now())
		})
	}
	if err != nil {
		outcome := auth.OutcomeFailed
		switch apperr.CodeOf(err) {
		case apperr.NotFound:
			outcome = auth.OutcomeDenied
		case apperr.Conflict, apperr.Invalid:
			outcome = auth.OutcomeRefused
		}
		if d.PatientID == 0 { // refused before the dose was visible: file it under its patient
			d.PatientID = auth.TargetPatient(c, a.DB, auth.TableDoses, id)
		}
		auth.Audit(c, a.DB, action, d.PatientID, "dose", id, outcome)
		httpx.Fail(c, err)
		return
	}
	if err := a.db(c).Take(&d, d.ID).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	views, err := doseViews(a.db(c), []store.DoseInstance{d})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, a.DB, action, d.PatientID, "dose", d.ID, auth.OutcomeOK)
	c.JSON(http.StatusOK, views[0])
}

// source names who recorded a dose, from the caller's role.
func source(p auth.Principal) string {
	if p.Role == store.RoleCaregiver {
		return "caregiver"
	}
	return "patient"
}
