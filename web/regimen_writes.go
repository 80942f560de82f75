package web

import (
	"errors"
	"strconv"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// createRegimen prescribes: validate, insert, expand the next doses, in one transaction.
func (h *Handler) createRegimen(c *gin.Context) {
	pt, ok := h.patient(c, "web.regimen.create")
	if !ok {
		return
	}
	now, caller := h.now(), auth.PrincipalOf(c).UserID
	reg := store.Regimen{PatientID: pt.ID, OnTimeWindowMin: 60, GraceMin: 60, StartsAt: now, CreatedBy: &caller,
		CreatedAt: now, UpdatedAt: now, AsNeeded: c.PostForm("as_needed") == "on", Critical: c.PostForm("critical") == "on"}
	err := h.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		medID, _ := strconv.ParseInt(c.PostForm("medication_id"), 10, 64)
		var med store.Medication
		if err := tx.Where("id = ? AND clinic_id = ?", medID, pt.ClinicID).Take(&med).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.Validation(apperr.FieldError{Field: "medication", Message: "choose a medication of this clinic"})
		} else if err != nil {
			return err
		}
		reg.MedicationID = med.ID
		var err error
		if reg.DoseQuantity, reg.DoseUnit, err = quantityFromForm(c); err != nil {
			return err
		}
		if reg.Timing, err = timingFromForm(c, reg.AsNeeded); err != nil {
			return err
		}
		if err := tx.Create(&reg).Error; err != nil {
			return err
		}
		return schedule.ExpandRegimen(tx, &reg, pt, now, now.Add(schedule.DefaultHorizon), now)
	})
	h.finishEdit(c, pt, "web.regimen.create", reg.ID, err)
}

// changeRegimen changes dose and times; future pending doses are re-expanded.
func (h *Handler) changeRegimen(c *gin.Context) {
	h.editRegimen(c, "web.regimen.update", func(reg *store.Regimen) error {
		var err error
		if reg.DoseQuantity, reg.DoseUnit, err = quantityFromForm(c); err != nil {
			return err
		}
		reg.Timing, err = timingFromForm(c, reg.AsNeeded)
		return err
	})
}

// stopRegimen stops a regimen; its future pending doses are cancelled.
func (h *Handler) stopRegimen(c *gin.Context) {
	h.editRegimen(c, "web.regimen.stop", func(reg *store.Regimen) error {
		now := h.now()
		reg.StoppedAt = &now
		return nil
	})
}

func (h *Handler) editRegimen(c *gin.Context, action string, edit func(*store.Regimen) error) {
	pt, ok := h.patient(c, action)
	if !ok {
		return
	}
	var id int64
	err := h.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		reg, err := loadRegimen(c, tx, pt)
		if err != nil {
			return err
		}
		id = reg.ID
		if err := edit(reg); err != nil {
			return err
		}
		now := h.now()
		reg.UpdatedAt = now
		if err := tx.Save(reg).Error; err != nil {
			return err
		}
		return schedule.Reexpand(tx, reg, pt, now, now.Add(schedule.DefaultHorizon))
	})
	h.finishEdit(c, pt, action, id, err)
}
