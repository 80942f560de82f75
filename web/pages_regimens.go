package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

type regimenRow struct {
	store.Regimen
	Medication string
	Strength   string
	Versions   []store.RegimenVersion `gorm:"-"` // oldest first
}

// regimensData is the editor page: the regimens, and one form (a new
// prescription, a change, or a stop to confirm).
type regimensData struct {
	Patient     *store.Patient
	Regimens    []regimenRow
	Medications []store.Medication
	Editing     *regimenRow // nil: the form prescribes
	Stopping    *regimenRow // set: the page asks to confirm a stop
	Form        regimenForm
	Errors      map[string]string
	Warnings    []string
	Preview     []previewDay
	Weekdays    any
}

func (h *Handler) regimensPage(c *gin.Context) {
	pt, ok := h.patient(c, "web.regimens.view")
	if !ok {
		return
	}
	d, err := h.editorData(c, pt)
	if err != nil {
		h.fail(c, err)
		return
	}
	d.Form = newForm(zoneOf(pt), h.now())
	h.showEditor(c, http.StatusOK, d)
}

// editPage shows a regimen's form filled in; editStop asks before stopping.
func (h *Handler) editPage(c *gin.Context) { h.regimenPage(c, false) }
func (h *Handler) stopPage(c *gin.Context) { h.regimenPage(c, true) }

func (h *Handler) regimenPage(c *gin.Context, stop bool) {
	pt, ok := h.patient(c, "web.regimens.view")
	if !ok {
		return
	}
	d, err := h.editorData(c, pt)
	var row *regimenRow
	if err == nil {
		row, err = d.find(c.Param("rid"))
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	if stop {
		d.Stopping = row
	} else {
		d.Editing, d.Form = row, formOf(*row, zoneOf(pt))
	}
	h.showEditor(c, http.StatusOK, d)
}

// editorData loads the patient's regimens and the clinic's formulary.
func (h *Handler) editorData(c *gin.Context, pt *store.Patient) (*regimensData, error) {
	d := &regimensData{Patient: pt, Errors: map[string]string{}, Weekdays: weekdayNames}
	db := h.DB.WithContext(c.Request.Context())
	err := db.Table("regimens r").Select("r.*, m.name AS medication, m.strength").
		Joins("JOIN medications m ON m.id = r.medication_id").Where("r.patient_id = ?", pt.ID).
		Order("r.stopped_at IS NOT NULL, r.id").Scan(&d.Regimens).Error
	if err == nil {
		err = db.Where("clinic_id = ?", pt.ClinicID).Order("name").Find(&d.Medications).Error
	}
	if err == nil {
		err = d.loadVersions(db)
	}
	return d, err
}

// loadVersions attaches each regimen's versions, so a change's history is visible.
func (d *regimensData) loadVersions(db *gorm.DB) error {
	ids := make([]int64, len(d.Regimens))
	for i, r := range d.Regimens {
		ids[i] = r.ID
	}
	var vs []store.RegimenVersion
	if err := db.Where("regimen_id IN ?", append(ids, 0)).Order("regimen_id, version").Find(&vs).Error; err != nil {
		return err
	}
	for i := range d.Regimens {
		for _, v := range vs {
			if v.RegimenID == d.Regimens[i].ID {
				d.Regimens[i].Versions = append(d.Regimens[i].Versions, v)
			}
		}
	}
	return nil
}

// find returns the regimen rid of the page, still in force. Errors: NotFound, Conflict.
func (d *regimensData) find(rid string) (*regimenRow, error) {
	id, _ := strconv.ParseInt(rid, 10, 64)
	for i := range d.Regimens {
		if r := &d.Regimens[i]; r.ID == id && r.StoppedAt != nil {
			return nil, apperr.E(apperr.Conflict, "this regimen was stopped; prescribe a new one")
		} else if r.ID == id {
			return r, nil
		}
	}
	return nil, apperr.E(apperr.NotFound, "no such regimen")
}

func (h *Handler) showEditor(c *gin.Context, status int, d *regimensData) {
	auth.Audit(c, h.DB, "web.regimens.view", d.Patient.ID, "patient", d.Patient.ID, auth.OutcomeOK)
	h.render(c, status, "regimens", page{Title: "Regimens · " + d.Patient.Name, Nav: "patients", Data: d})
}

// refuse shows the form again, as typed, with every problem next to its field.
func (h *Handler) refuse(c *gin.Context, d *regimensData, action string, regimenID int64) {
	auth.Audit(c, h.DB, action, d.Patient.ID, "regimen", regimenID, auth.OutcomeRefused)
	h.render(c, http.StatusBadRequest, "regimens", page{Title: "Regimens · " + d.Patient.Name, Nav: "patients", Data: d})
}

// finishEdit audits a saved change and goes back to the editor, or shows
// what went wrong.
func (h *Handler) finishEdit(c *gin.Context, pt *store.Patient, action string, regimenID int64, err error) {
	var ae *apperr.Error
	switch {
	case err == nil:
		auth.Audit(c, h.DB, action, pt.ID, "regimen", regimenID, auth.OutcomeOK)
		c.Redirect(http.StatusSeeOther, "/web/patients/"+strconv.FormatInt(pt.ID, 10)+"/regimens")
	case errors.As(err, &ae) && ae.Code != apperr.Internal:
		auth.Audit(c, h.DB, action, pt.ID, "regimen", regimenID, auth.OutcomeRefused)
		h.fail(c, err)
	default:
		auth.Audit(c, h.DB, action, pt.ID, "regimen", regimenID, auth.OutcomeFailed)
		h.fail(c, err)
	}
}

// loadRegimen finds the :rid regimen of pt, still in force. Errors: NotFound, Conflict.
func loadRegimen(c *gin.Context, tx *gorm.DB, pt *store.Patient) (*store.Regimen, error) {
	rid, _ := strconv.ParseInt(c.Param("rid"), 10, 64)
	var r store.Regimen
	err := tx.Where("id = ? AND patient_id = ?", rid, pt.ID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "no such regimen")
	}
	if err == nil && r.StoppedAt != nil {
		return nil, apperr.E(apperr.Conflict, "this regimen was stopped; prescribe a new one")
	}
	return &r, err
}
