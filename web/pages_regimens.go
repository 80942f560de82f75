package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

type regimenRow struct {
	store.Regimen
	Medication string
	Strength   string
	Times      string // the timeOfDay list as typed in the form
}

type regimensData struct {
	Patient     *store.Patient
	Regimens    []regimenRow
	Medications []store.Medication
	Error       string
}

func (h *Handler) regimensPage(c *gin.Context) {
	pt, ok := h.patient(c, "web.regimens.view")
	if ok {
		h.showRegimens(c, pt, http.StatusOK, "")
	}
}

func (h *Handler) showRegimens(c *gin.Context, pt *store.Patient, status int, msg string) {
	d := regimensData{Patient: pt, Error: msg}
	db := h.DB.WithContext(c.Request.Context())
	err := db.Table("regimens r").Select("r.*, m.name AS medication, m.strength").
		Joins("JOIN medications m ON m.id = r.medication_id").Where("r.patient_id = ?", pt.ID).
		Order("r.stopped_at IS NOT NULL, r.id").Scan(&d.Regimens).Error
	if err == nil {
		err = db.Where("clinic_id = ?", pt.ClinicID).Order("name").Find(&d.Medications).Error
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	for i := range d.Regimens {
		if t, err := schedule.ParseTiming([]byte(d.Regimens[i].Timing)); err == nil {
			d.Regimens[i].Times = strings.Join(t.TimeOfDay, ", ")
		}
	}
	auth.Audit(c, h.DB, "web.regimens.view", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	h.render(c, status, "regimens", page{Title: "Regimens · " + pt.Name, Nav: "patients", Data: d})
}

// timingFromForm turns the form's "08:00, 20:00" (or, as needed, a daily
// maximum) into timing JSON checked by the schedule engine's validation.
func timingFromForm(c *gin.Context, asNeeded bool) (string, error) {
	t := schedule.Timing{}
	if asNeeded {
		n, err := strconv.Atoi(strings.TrimSpace(c.PostForm("max_per_day")))
		if err != nil {
			return "", apperr.Validation(apperr.FieldError{Field: "max_per_day", Message: "must be a whole number"})
		}
		t.MaxDosePerPeriod = &schedule.Ratio{Count: n, Period: 1, PeriodUnit: "d"}
	} else {
		for _, s := range strings.Split(c.PostForm("times"), ",") {
			if s = strings.TrimSpace(s); s != "" {
				t.TimeOfDay = append(t.TimeOfDay, s)
			}
		}
	}
	if err := schedule.ValidateTiming(t, asNeeded); err != nil {
		return "", err
	}
	return t.Encode(), nil
}

func quantityFromForm(c *gin.Context) (float64, string, error) {
	q, err := strconv.ParseFloat(strings.TrimSpace(c.PostForm("quantity")), 64)
	unit := strings.TrimSpace(c.PostForm("unit"))
	if err != nil || q <= 0 || q > 100 {
		return 0, "", apperr.Validation(apperr.FieldError{Field: "quantity", Message: "must be a number more than 0 and at most 100"})
	}
	if unit == "" || len(unit) > 32 {
		return 0, "", apperr.Validation(apperr.FieldError{Field: "unit", Message: "must be 1 to 32 characters, such as tablet"})
	}
	return q, unit, nil
}

// finishEdit audits a regimen change and shows the editor again: with the
// problem (400/404/409) when it failed, else after a redirect.
func (h *Handler) finishEdit(c *gin.Context, pt *store.Patient, action string, regimenID int64, err error) {
	if err != nil {
		outcome := auth.OutcomeRefused
		if apperr.CodeOf(err) == apperr.Internal {
			h.fail(c, err)
			auth.Audit(c, h.DB, action, pt.ID, "regimen", regimenID, auth.OutcomeFailed)
			return
		}
		auth.Audit(c, h.DB, action, pt.ID, "regimen", regimenID, outcome)
		var ae *apperr.Error
		errors.As(err, &ae)
		msg := ae.Message
		for _, f := range ae.Fields {
			msg += "; " + f.Field + " " + f.Message
		}
		h.showRegimens(c, pt, statusOfCode(ae.Code), msg)
		return
	}
	auth.Audit(c, h.DB, action, pt.ID, "regimen", regimenID, auth.OutcomeOK)
	c.Redirect(http.StatusSeeOther, "/web/patients/"+strconv.FormatInt(pt.ID, 10)+"/regimens")
}

func statusOfCode(code apperr.Code) int {
	switch code {
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Conflict:
		return http.StatusConflict
	}
	return http.StatusBadRequest
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
