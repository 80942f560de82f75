package admin

import (
	"net/http"
	"strings"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

type medicationView struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	Strength       string `json:"strength"`
	Form           string `json:"form"`
	RxnormCode     string `json:"rxnorm_code,omitempty"`
	Antiretroviral bool   `json:"antiretroviral"`
}

func (r *medicationView) Validate() error {
	if strings.TrimSpace(r.Name) == "" {
		return apperr.Validation(apperr.FieldError{Field: "name", Message: "is required"})
	}
	return nil
}

func (h *Handler) listMedications(c *gin.Context) {
	var meds []store.Medication
	if err := h.DB.WithContext(c).Where("clinic_id = ?", auth.PrincipalOf(c).ClinicID).Order("name").Find(&meds).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	out := httpx.List[medicationView]{Items: []medicationView{}}
	for _, m := range meds {
		out.Items = append(out.Items, medicationView{m.ID, m.Name, m.Strength, m.Form, m.RxnormCode, m.Antiretroviral})
	}
	c.JSON(http.StatusOK, out)
}

func (h *Handler) createMedication(c *gin.Context) {
	var req medicationView
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	m := store.Medication{ClinicID: auth.PrincipalOf(c).ClinicID, Name: strings.TrimSpace(req.Name), Strength: req.Strength,
		Form: req.Form, RxnormCode: req.RxnormCode, Antiretroviral: req.Antiretroviral, CreatedAt: h.Clock.Now()}
	if err := h.DB.WithContext(c).Create(&m).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	req.ID = m.ID
	c.JSON(http.StatusCreated, req)
}
