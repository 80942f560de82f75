package schedule

import (
	"net/http"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

type createRequest struct{ RegimenInput }

func (r *createRequest) Validate() error { return r.check(true) }

type updateRequest struct{ RegimenInput }

func (r *updateRequest) Validate() error { return r.check(false) }

func (a *API) create(c *gin.Context) {
	pt, ok := a.patient(c, "regimen.create")
	if !ok {
		return
	}
	var req createRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	now, caller := a.Clock.Now(), auth.PrincipalOf(c).UserID
	reg := store.Regimen{PatientID: pt.ID, DoseQuantity: 1, DoseUnit: "tablet", Timing: "{}", OnTimeWindowMin: 60,
		GraceMin: 60, StartsAt: now, CreatedBy: &caller, CreatedAt: now}
	var view RegimenView
	err := a.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		if err := req.apply(&reg, now); err != nil {
			return err
		}
		name, err := medication(tx, pt, reg.MedicationID)
		if err != nil {
			return err
		}
		if err := tx.Create(&reg).Error; err != nil {
			return err
		}
		if _, err := SyncVersion(tx, &reg, now, &caller); err != nil {
			return err
		}
		if err := ExpandRegimen(tx, &reg, pt, now, now.Add(a.horizon()), now); err != nil {
			return err
		}
		view = viewOf(&reg, name)
		return withVersions(tx, &view)
	})
	a.finish(c, "regimen.create", pt.ID, reg.ID, err, http.StatusCreated, &view, &reg)
}

func (a *API) update(c *gin.Context) {
	a.change(c, "regimen.update", func(tx *gorm.DB, reg *store.Regimen) error {
		var req updateRequest
		if err := httpx.DecodeJSON(c, &req); err != nil {
			return err
		}
		if err := refuseMedicationChange(&req.RegimenInput, reg); err != nil {
			return err
		}
		return req.apply(reg, a.Clock.Now())
	})
}

func (a *API) stop(c *gin.Context) {
	a.change(c, "regimen.stop", func(tx *gorm.DB, reg *store.Regimen) error {
		now := a.Clock.Now()
		reg.StoppedAt, reg.UpdatedAt = &now, now
		return nil
	})
}

// change loads a live regimen, lets edit modify it, saves it and re-expands
// its future doses, all in one transaction.
func (a *API) change(c *gin.Context, action string, edit func(*gorm.DB, *store.Regimen) error) {
	pt, ok := a.patient(c, action)
	if !ok {
		return
	}
	var reg *store.Regimen
	var view RegimenView
	err := a.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		var err error
		if reg, err = a.regimen(c, tx, pt); err != nil {
			return err
		}
		if reg.StoppedAt != nil {
			return apperr.E(apperr.Conflict, "this regimen was stopped; prescribe a new one").WithReason("regimen_stopped")
		}
		if err := edit(tx, reg); err != nil {
			return err
		}
		name, err := medication(tx, pt, reg.MedicationID)
		if err != nil {
			return err
		}
		if err := tx.Save(reg).Error; err != nil {
			return err
		}
		now, caller := a.Clock.Now(), auth.PrincipalOf(c).UserID
		if _, err := SyncVersion(tx, reg, now, &caller); err != nil {
			return err
		}
		if err := Reexpand(tx, reg, pt, now, now.Add(a.horizon())); err != nil {
			return err
		}
		view = viewOf(reg, name)
		return withVersions(tx, &view)
	})
	id := int64(0)
	if reg != nil {
		id = reg.ID
	}
	a.finish(c, action, pt.ID, id, err, http.StatusOK, &view, reg)
}

// finish audits the outcome and answers.
func (a *API) finish(c *gin.Context, action string, patientID, regimenID int64, err error, status int, view *RegimenView, reg *store.Regimen) {
	if err != nil {
		outcome := auth.OutcomeFailed
		if apperr.CodeOf(err) != apperr.Internal {
			outcome = auth.OutcomeRefused
		}
		auth.Audit(c, a.DB, action, patientID, "regimen", regimenID, outcome)
		httpx.Fail(c, err)
		return
	}
	view.ExpandedUntil = reg.ExpandedUntil
	auth.Audit(c, a.DB, action, patientID, "regimen", regimenID, auth.OutcomeOK)
	c.JSON(status, view)
}
