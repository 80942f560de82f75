package schedule

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// API is the regimen API for care-team physicians and clinic admins.
type API struct {
	DB      *gorm.DB
	Clock   clock.Clock
	Auth    *auth.Service
	Horizon time.Duration // expansion horizon after a change (DefaultHorizon)
}

// Register mounts:
//
//	GET   /v1/patients/:id/regimens              list (newest first)
//	POST  /v1/patients/:id/regimens              prescribe (201)
//	PATCH /v1/patients/:id/regimens/:rid         change; future pending doses re-expanded
//	POST  /v1/patients/:id/regimens/:rid/stop    stop; future pending doses cancelled
//	POST  /v1/patients/:id/doses/:did/correct    care-team physician corrects an outcome
//	GET   /v1/patients/:id/doses/:did/history    a dose's append-only history
//	GET   /v1/patients/:id/absences              absences (anyone who may see the patient)
//	POST  /v1/patients/:id/absences              record one (patient, linked caregiver, care team)
//	GET   /v1/me/absences, POST /v1/me/absences  the same for the calling patient
func (a *API) Register(r gin.IRouter) {
	g := r.Group("/v1/patients/:id/regimens", a.Auth.Required(), auth.RequireRole(store.RoleAdmin, store.RolePhysician))
	g.GET("", a.list)
	g.POST("", a.create)
	g.PATCH("/:rid", a.update)
	g.POST("/:rid/stop", a.stop)
	d := r.Group("/v1/patients/:id/doses/:did", a.Auth.Required())
	d.POST("/correct", auth.RequireRole(store.RolePhysician), a.correct)
	d.GET("/history", auth.RequireRole(store.RoleAdmin, store.RolePhysician), a.history)
	r.GET("/v1/patients/:id/absences", a.Auth.Required(), a.patientAbsences)
	r.POST("/v1/patients/:id/absences", a.Auth.Required(), a.addPatientAbsence)
	me := r.Group("/v1/me/absences", a.Auth.Required(), auth.RequireRole(store.RolePatient))
	me.GET("", a.myAbsences)
	me.POST("", a.addMyAbsence)
}

// patient loads the path's patient within the caller's scope (404 otherwise)
// and audits a refusal.
func (a *API) patient(c *gin.Context, action string) (*store.Patient, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		httpx.Fail(c, auth.ErrPatientNotFound)
		return nil, false
	}
	pt, err := auth.LoadPatient(c.Request.Context(), a.DB, auth.PrincipalOf(c), id)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			auth.Audit(c, a.DB, action, id, "patient", id, auth.OutcomeDenied)
		}
		httpx.Fail(c, err)
		return nil, false
	}
	return pt, true
}

// regimen loads the path's regimen of pt. Errors: NotFound.
func (a *API) regimen(c *gin.Context, tx *gorm.DB, pt *store.Patient) (*store.Regimen, error) {
	rid, err := strconv.ParseInt(c.Param("rid"), 10, 64)
	notFound := apperr.E(apperr.NotFound, "no such regimen")
	if err != nil {
		return nil, notFound
	}
	var r store.Regimen
	err = tx.Where("id = ? AND patient_id = ?", rid, pt.ID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, notFound
	}
	return &r, err
}

func (a *API) list(c *gin.Context) {
	pt, ok := a.patient(c, "regimen.list")
	if !ok {
		return
	}
	var rows []struct {
		store.Regimen
		MedName string
	}
	err := a.DB.WithContext(c.Request.Context()).Table("regimens r").Select("r.*, m.name AS med_name").
		Joins("JOIN medications m ON m.id = r.medication_id").Where("r.patient_id = ?", pt.ID).
		Order("r.id DESC").Scan(&rows).Error
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	out := httpx.List[RegimenView]{Items: make([]RegimenView, 0, len(rows))}
	for i := range rows {
		out.Items = append(out.Items, viewOf(&rows[i].Regimen, rows[i].MedName))
	}
	if err := attachVersions(a.DB.WithContext(c.Request.Context()), out.Items); err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, a.DB, "regimen.list", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	c.JSON(http.StatusOK, out)
}

func (a *API) horizon() time.Duration {
	if a.Horizon <= 0 {
		return DefaultHorizon
	}
	return a.Horizon
}

// medication checks the medication is in the patient's clinic's formulary.
func medication(tx *gorm.DB, pt *store.Patient, id int64) (string, error) {
	var m store.Medication
	err := tx.Where("id = ? AND clinic_id = ?", id, pt.ClinicID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", apperr.Validation(apperr.FieldError{Field: "medication_id", Message: "is not a medication of this clinic"})
	}
	return m.Name, err
}
