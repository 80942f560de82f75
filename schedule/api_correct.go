package schedule

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// correctRequest is the body of POST /v1/patients/:id/doses/:did/correct.
type correctRequest struct {
	State   string     `json:"state"`
	TakenAt *time.Time `json:"taken_at"`
	Reason  string     `json:"reason"`
}

// Validate checks the correction before any transaction.
func (r *correctRequest) Validate() error {
	var v fieldErrs
	r.Reason = strings.TrimSpace(r.Reason)
	if r.State != store.DoseTaken && r.State != store.DoseSkipped && r.State != store.DoseMissed {
		v.add("state", "must be taken, skipped or missed")
	}
	if r.Reason == "" || utf8.RuneCountInString(r.Reason) > 500 || strings.ContainsRune(r.Reason, 0) {
		v.add("reason", "is required: say why the record is corrected (at most 500 characters)")
	}
	if r.State == store.DoseTaken && r.TakenAt == nil {
		v.add("taken_at", "is required when correcting to taken")
	}
	if r.State != store.DoseTaken && r.TakenAt != nil {
		v.add("taken_at", "is only for a correction to taken")
	}
	return v.err()
}

// correct is POST /v1/patients/:id/doses/:did/correct: a care-team
// physician corrects a dose's outcome, also outside the recording window.
func (a *API) correct(c *gin.Context) {
	pt, ok := a.patient(c, "dose.correct")
	if !ok {
		return
	}
	did, _ := strconv.ParseInt(c.Param("did"), 10, 64)
	var req correctRequest
	err := httpx.DecodeJSON(c, &req)
	now, caller := a.Clock.Now(), auth.PrincipalOf(c).UserID
	if err == nil && req.TakenAt != nil && req.TakenAt.After(now) {
		err = apperr.Validation(apperr.FieldError{Field: "taken_at", Message: "cannot be in the future"})
	}
	var d store.DoseInstance
	if err == nil {
		err = a.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
			if err := tx.Where("id = ? AND patient_id = ?", did, pt.ID).Take(&d).Error; errors.Is(err, gorm.ErrRecordNotFound) {
				return apperr.E(apperr.NotFound, "no such dose")
			} else if err != nil {
				return err
			}
			return Correct(tx, &d, Correction{State: req.State, TakenAt: req.TakenAt, Reason: req.Reason},
				Actor{UserID: &caller, Source: store.SourcePhysician}, now)
		})
	}
	a.finishDose(c, "dose.correct", pt.ID, did, err)
}

// history is GET /v1/patients/:id/doses/:did/history: a dose's append-only history.
func (a *API) history(c *gin.Context) {
	pt, ok := a.patient(c, "dose.history")
	if !ok {
		return
	}
	did, _ := strconv.ParseInt(c.Param("did"), 10, 64)
	var n int64
	db := a.DB.WithContext(c.Request.Context())
	err := db.Model(&store.DoseInstance{}).Where("id = ? AND patient_id = ?", did, pt.ID).Count(&n).Error
	if err == nil && n == 0 {
		err = apperr.E(apperr.NotFound, "no such dose")
	}
	var rows []store.DoseHistory
	if err == nil {
		rows, err = History(db, did)
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	out := httpx.List[HistoryView]{Items: make([]HistoryView, len(rows))}
	for i := range rows {
		out.Items[i] = HistoryView(rows[i])
	}
	auth.Audit(c, a.DB, "dose.history", pt.ID, "dose", did, auth.OutcomeOK)
	c.JSON(http.StatusOK, out)
}

// HistoryView is one dose history row as the API shows it.
type HistoryView struct {
	ID          int64     `json:"id"`
	DoseID      int64     `json:"dose_id"`
	FromState   string    `json:"from_state"`
	ToState     string    `json:"to_state"`
	At          time.Time `json:"at"`
	ActorUserID *int64    `json:"actor_user_id"`
	DispenserID *int64    `json:"dispenser_id"`
	Source      string    `json:"source"`
	Reason      string    `json:"reason"`
	CorrectsID  *int64    `json:"corrects_id"`
}

// finishDose audits a dose write and answers the dose (or the error).
func (a *API) finishDose(c *gin.Context, action string, patientID, doseID int64, err error) {
	if err != nil {
		outcome := auth.OutcomeFailed
		if apperr.CodeOf(err) != apperr.Internal {
			outcome = auth.OutcomeRefused
		}
		auth.Audit(c, a.DB, action, patientID, "dose", doseID, outcome)
		httpx.Fail(c, err)
		return
	}
	var d store.DoseInstance
	if err := a.DB.WithContext(c.Request.Context()).Take(&d, doseID).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, a.DB, action, patientID, "dose", doseID, auth.OutcomeOK)
	c.JSON(http.StatusOK, doseView(&d))
}
