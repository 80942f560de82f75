package auth

import (
	"log/slog"
	"strconv"

	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// Audit outcomes.
const (
	OutcomeOK      = "ok"
	OutcomeDenied  = "denied"
	OutcomeRefused = "refused"
	OutcomeFailed  = "failed"
)

// Audit writes one audit row for the current request: who (the principal, if
// any), what (action such as "dose.take"), which patient, outcome. A failure to
// audit is logged; it does not fail the request that has already happened.
func Audit(c *gin.Context, db *gorm.DB, action string, patientID int64, objectType string, objectID int64, outcome string) {
	e := store.AuditEntry{At: db.NowFunc(), Action: action, ObjectType: objectType, Outcome: outcome, RequestID: httpx.RequestID(c)}
	if v, ok := c.Get(principalKey); ok {
		p := v.(Principal)
		e.ActorID, e.ClinicID = &p.UserID, &p.ClinicID
	}
	if patientID != 0 {
		e.PatientID = &patientID
	}
	if objectID != 0 {
		e.ObjectID = strconv.FormatInt(objectID, 10)
	}
	if err := db.WithContext(c.Request.Context()).Create(&e).Error; err != nil {
		slog.Error("audit write failed", "request_id", e.RequestID, "action", action, "err", err)
	}
}
