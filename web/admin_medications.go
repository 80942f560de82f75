package web

import (
	"net/http"

	"github.com/doseloop/doseloop/admin"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// medicationsData is the clinic's formulary with the add form.
type medicationsData struct {
	Rows   []store.Medication
	Form   admin.NewMedication
	Errors map[string]string
	Notice string
}

func (h *Handler) adminMedications(c *gin.Context) {
	h.showMedications(c, http.StatusOK, medicationsData{})
}

func (h *Handler) showMedications(c *gin.Context, status int, d medicationsData) {
	err := h.DB.WithContext(c.Request.Context()).Where("clinic_id = ?", auth.PrincipalOf(c).ClinicID).Order("name").Find(&d.Rows).Error
	if err != nil {
		h.fail(c, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	h.render(c, status, "admin_medications", page{Title: "Medications", Nav: "medications", Data: d})
}

// addMedication adds to the formulary.
func (h *Handler) addMedication(c *gin.Context) {
	in := admin.NewMedication{Name: c.PostForm("name"), Strength: c.PostForm("strength"), Form: c.PostForm("form"),
		Rxnorm: c.PostForm("rxnorm"), Antiretroviral: c.PostForm("antiretroviral") == "on"}
	m, err := h.clinicSvc().AddMedication(c.Request.Context(), auth.PrincipalOf(c).ClinicID, in)
	if errs := fieldErrors(err, map[string]string{"name": "Enter the medication's name."}); len(errs) > 0 {
		auth.Audit(c, h.DB, "web.admin.medication.create", 0, "medication", 0, auth.OutcomeRefused)
		h.showMedications(c, http.StatusBadRequest, medicationsData{Form: in, Errors: errs})
		return
	} else if err != nil {
		h.fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "web.admin.medication.create", 0, "medication", m.ID, auth.OutcomeOK)
	h.showMedications(c, http.StatusOK, medicationsData{Notice: "Added " + m.Name + " " + m.Strength + "."})
}
