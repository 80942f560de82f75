package schedule

import (
	"net/http"
	"strconv"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// addAbsence records an absence of pt: the patient, a linked caregiver or a
// care-team physician may (a clinic admin reads only).
func (a *API) addAbsence(c *gin.Context, pt *store.Patient) {
	p := auth.PrincipalOf(c)
	src := map[string]string{store.RolePatient: store.SourcePatient, store.RoleCaregiver: store.SourceCaregiver,
		store.RolePhysician: store.SourcePhysician}[p.Role]
	var req absenceRequest
	err := httpx.DecodeJSON(c, &req)
	if err == nil && src == "" {
		err = apperr.E(apperr.Forbidden, "absences are recorded by the patient, a linked caregiver or the care team")
	}
	now := a.Clock.Now()
	ab := store.PatientAbsence{PatientID: pt.ID, Kind: req.Kind, StartsAt: req.start, EndsAt: req.end, Reason: req.Reason,
		CreatedBy: &p.UserID, CreatedAt: &now}
	if err == nil {
		err = a.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
			return RecordAbsence(tx, &ab, Actor{UserID: &p.UserID, Source: src}, now)
		})
	}
	if err != nil {
		outcome := auth.OutcomeRefused
		if apperr.CodeOf(err) == apperr.Internal {
			outcome = auth.OutcomeFailed
		}
		auth.Audit(c, a.DB, "absence.create", pt.ID, "absence", ab.ID, outcome)
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, a.DB, "absence.create", pt.ID, "absence", ab.ID, auth.OutcomeOK)
	c.JSON(http.StatusCreated, absenceView(&ab))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
