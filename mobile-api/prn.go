package mobileapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type prnRequest struct {
	RegimenID int64      `json:"regimen_id"`
	TakenAt   *time.Time `json:"taken_at"`
}

func (r *prnRequest) Validate() error {
	if r.RegimenID <= 0 {
		return apperr.Validation(apperr.FieldError{Field: "regimen_id", Message: "is required"})
	}
	return nil
}

// POST /v1/me/prn logs an as-needed dose, refusing one over maxDosePerPeriod
// with 409 and next_allowed_at. A refusal is audited ("refused") so the care
// team sees the attempt.
func (a *API) handlePRN(c *gin.Context) {
	var req prnRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	pt, err := auth.OwnPatient(c.Request.Context(), a.DB, auth.PrincipalOf(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	now := a.Clock.Now()
	at, err := actualTime(req.TakenAt, now)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	var dose store.DoseInstance
	err = a.db(c).Transaction(func(tx *gorm.DB) error {
		reg, err := lockPRNRegimen(tx, pt.ID, req.RegimenID, now)
		if err != nil {
			return err
		}
		if err := checkPRNLimit(tx, reg, at); err != nil {
			return err
		}
		d, err := schedule.RecordPRN(tx, reg, pt, at, actor(auth.PrincipalOf(c)), now)
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return apperr.E(apperr.Conflict, "a dose of this medication is already logged at %s", at.Format(time.RFC3339)).WithReason("duplicate")
		} else if err != nil {
			return err
		}
		dose = *d
		return nil
	})
	if err != nil {
		outcome := auth.OutcomeFailed
		if apperr.Is(err, apperr.Conflict) {
			outcome = auth.OutcomeRefused
		}
		auth.Audit(c, a.DB, "dose.prn", pt.ID, "regimen", req.RegimenID, outcome)
		httpx.Fail(c, err)
		return
	}
	views, err := doseViews(a.db(c), []store.DoseInstance{dose})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, a.DB, "dose.prn", pt.ID, "dose", dose.ID, auth.OutcomeOK)
	c.JSON(http.StatusCreated, views[0])
}

// lockPRNRegimen loads the patient's active as-needed regimen, locking it on
// Postgres so two concurrent logs cannot both pass the limit (SQLite has a
// single writer). Errors: NotFound, Conflict (stopped or ended).
func lockPRNRegimen(tx *gorm.DB, patientID, regimenID int64, now time.Time) (*store.Regimen, error) {
	q := tx.Where("id = ? AND patient_id = ? AND as_needed = ?", regimenID, patientID, true)
	if store.IsPostgres(tx) {
		q = q.Clauses(clause.Locking{Strength: "NO KEY UPDATE"}) // FK checks of new doses must not wait on it
	}
	var reg store.Regimen
	if err := q.Take(&reg).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, errNotFound("as-needed regimen")
	} else if err != nil {
		return nil, err
	}
	if !regimenActive(reg, now) {
		return nil, apperr.E(apperr.Conflict, "this medication is not prescribed at the moment").WithReason("regimen_inactive")
	}
	return &reg, nil
}

func regimenActive(r store.Regimen, now time.Time) bool {
	return r.StoppedAt == nil && !r.StartsAt.After(now) && (r.EndsAt == nil || r.EndsAt.After(now))
}

// checkPRNLimit refuses a dose at `at` that would exceed the regimen's
// maxDosePerPeriod. Errors: Conflict with next_allowed_at.
func checkPRNLimit(tx *gorm.DB, reg *store.Regimen, at time.Time) error {
	limit, err := ParsePRNLimit(reg.Timing)
	if err != nil {
		return apperr.E(apperr.Conflict, "this medication's dosing limit cannot be read; ask your care team").WithReason("regimen_invalid")
	} else if limit == nil {
		return nil
	}
	taken, err := takenSince(tx, reg.PatientID, reg.ID, at.Add(-limit.Window()))
	if err != nil {
		return err
	}
	if next, ok := limit.NextAllowed(taken, at); !ok {
		return apperr.E(apperr.Conflict, "at most %d doses per %g %s; the next dose is allowed at %s",
			limit.Count, limit.Period, limit.PeriodUnit, next.UTC().Format(time.RFC3339)).
			WithReason("prn_limit").With("next_allowed_at", next.UTC()).With("limit", limit)
	}
	return nil
}

// takenSince lists when the patient's regimen's doses were taken after
// since. The scheduled_at bound lets dose_instances_patient_idx serve it
// (migration 00230): a dose is taken at most its late limit (≤ 7 days)
// after it is due, and an as-needed dose is due when it was taken.
func takenSince(db *gorm.DB, patientID, regimenID int64, since time.Time) ([]time.Time, error) {
	var doses []store.DoseInstance
	err := db.Select("taken_at").Where("patient_id = ? AND regimen_id = ? AND state = ? AND taken_at > ? AND scheduled_at > ?",
		patientID, regimenID, store.DoseTaken, since, since.Add(-maxLateTake)).Find(&doses).Error
	out := make([]time.Time, 0, len(doses))
	for _, d := range doses {
		if d.TakenAt != nil {
			out = append(out, *d.TakenAt)
		}
	}
	return out, err
}
