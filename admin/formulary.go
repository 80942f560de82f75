package admin

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

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
	var f []apperr.FieldError
	if strings.TrimSpace(r.Name) == "" || utf8.RuneCountInString(r.Name) > MaxNameLen || !cleanText(r.Name) {
		f = append(f, apperr.FieldError{Field: "name", Message: "is required: up to 200 characters of text"})
	}
	for _, x := range []struct{ field, v string }{{"strength", r.Strength}, {"form", r.Form}, {"rxnorm_code", r.RxnormCode}} {
		if utf8.RuneCountInString(x.v) > 100 || !cleanText(x.v) {
			f = append(f, apperr.FieldError{Field: x.field, Message: "must be up to 100 characters of text"})
		}
	}
	if len(f) > 0 {
		return apperr.Validation(f...)
	}
	return nil
}

func (h *Handler) listMedications(c *gin.Context) {
	page, err := httpx.ParsePage(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	after, _ := strconv.ParseInt(page.Cursor, 10, 64)
	var meds []store.Medication
	if err := h.DB.WithContext(c).Where("clinic_id = ? AND id > ?", auth.PrincipalOf(c).ClinicID, after).
		Order("id").Limit(page.Limit + 1).Find(&meds).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	out := httpx.List[medicationView]{Items: []medicationView{}}
	meds, out.NextCursor = httpx.Trim(meds, page, func(m store.Medication) string { return strconv.FormatInt(m.ID, 10) })
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
