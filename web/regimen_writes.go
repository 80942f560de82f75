package web

import (
	"strconv"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// createRegimen prescribes. The first submission shows the next seven days
// and any warnings; "Save" (step=save) validates again, inserts and expands
// the next doses in one transaction.
func (h *Handler) createRegimen(c *gin.Context) {
	pt, ok := h.patient(c, "web.regimen.create")
	if !ok {
		return
	}
	d, err := h.editorData(c, pt)
	if err != nil {
		h.fail(c, err)
		return
	}
	d.Form = readForm(c)
	r := checkForm(d.Form, zoneOf(pt), nil)
	now, caller := h.now(), auth.PrincipalOf(c).UserID
	reg := store.Regimen{PatientID: pt.ID, CreatedBy: &caller, CreatedAt: now, UpdatedAt: now}
	if med := d.medication(d.Form.MedicationID); med == nil {
		r.bad("medication_id", "Choose the medication.")
	} else {
		reg.MedicationID = med.ID
	}
	if d.Errors = r.Errors; len(d.Errors) > 0 {
		h.refuse(c, d, "web.regimen.create", 0)
		return
	}
	r.apply(&reg)
	if !h.confirmed(c, d, pt, &reg) {
		return
	}
	err = h.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&reg).Error; err != nil {
			return err
		}
		if _, err := schedule.SyncVersion(tx, &reg, now, &caller); err != nil {
			return err
		}
		return schedule.ExpandRegimen(tx, &reg, pt, now, now.Add(schedule.DefaultHorizon), now)
	})
	h.finishEdit(c, pt, "web.regimen.create", reg.ID, err)
}

func (d *regimensData) medication(id string) *store.Medication {
	for i := range d.Medications {
		if strconv.FormatInt(d.Medications[i].ID, 10) == id {
			return &d.Medications[i]
		}
	}
	return nil
}

// confirmed shows the preview and warnings unless the form was submitted
// from that preview (step=save); it reports whether to save now.
func (h *Handler) confirmed(c *gin.Context, d *regimensData, pt *store.Patient, reg *store.Regimen) bool {
	var err error
	if d.Warnings, err = h.warnings(c, pt, reg); err == nil && c.PostForm("step") != "save" {
		d.Preview, err = previewOf(reg, pt, h.now())
		if err == nil {
			h.showEditor(c, 200, d)
			return false
		}
	}
	if err != nil {
		h.fail(c, err)
		return false
	}
	return true
}

// changeRegimen changes any field but the medication; future pending
// doses are re-expanded.
func (h *Handler) changeRegimen(c *gin.Context) {
	pt, ok := h.patient(c, "web.regimen.update")
	if !ok {
		return
	}
	d, err := h.editorData(c, pt)
	if err == nil {
		d.Editing, err = d.find(c.Param("rid"))
	}
	if err != nil {
		h.finishEdit(c, pt, "web.regimen.update", 0, err)
		return
	}
	d.Form = readForm(c)
	d.Form.Medication = d.Editing.Medication + " " + d.Editing.Strength
	reg := d.Editing.Regimen
	r := checkForm(d.Form, zoneOf(pt), &reg.StartsAt)
	if d.Errors = r.Errors; len(d.Errors) > 0 {
		h.refuse(c, d, "web.regimen.update", reg.ID)
		return
	}
	r.apply(&reg)
	if !h.confirmed(c, d, pt, &reg) {
		return
	}
	h.saveRegimen(c, pt, "web.regimen.update", &reg)
}

// stopRegimen stops a regimen once asked twice (confirm=yes); its future
// pending doses are cancelled.
func (h *Handler) stopRegimen(c *gin.Context) {
	if c.PostForm("confirm") != "yes" {
		h.stopPage(c)
		return
	}
	pt, ok := h.patient(c, "web.regimen.stop")
	if !ok {
		return
	}
	var reg *store.Regimen
	err := h.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) (err error) {
		reg, err = loadRegimen(c, tx, pt)
		return err
	})
	if err != nil {
		h.finishEdit(c, pt, "web.regimen.stop", 0, err)
		return
	}
	now := h.now()
	reg.StoppedAt = &now
	h.saveRegimen(c, pt, "web.regimen.stop", reg)
}

// saveRegimen writes reg, still in force, and re-expands its future doses.
func (h *Handler) saveRegimen(c *gin.Context, pt *store.Patient, action string, reg *store.Regimen) {
	err := h.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		now := h.now()
		reg.UpdatedAt = now
		res := tx.Model(&store.Regimen{}).Where("id = ? AND stopped_at IS NULL", reg.ID).Select("*").Updates(reg)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.E(apperr.Conflict, "this regimen was stopped meanwhile; prescribe a new one")
		}
		caller := auth.PrincipalOf(c).UserID
		if _, err := schedule.SyncVersion(tx, reg, now, &caller); err != nil {
			return err
		}
		return schedule.Reexpand(tx, reg, pt, now, now.Add(schedule.DefaultHorizon))
	})
	h.finishEdit(c, pt, action, reg.ID, err)
}
