package auth

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/clock"

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
	e := store.AuditEntry{At: auditNow(c, db), Action: action, ObjectType: objectType, Outcome: outcome, RequestID: httpx.RequestID(c)}
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

const clockKey = "doseloop.clock"

// WithClock makes the request's audit rows use clk (the app's injected clock)
// instead of the database's wall clock. Mount it first on the router.
func WithClock(clk clock.Clock) gin.HandlerFunc {
	return func(c *gin.Context) { c.Set(clockKey, clk); c.Next() }
}

func auditNow(c *gin.Context, db *gorm.DB) time.Time {
	if v, ok := c.Get(clockKey); ok {
		return v.(clock.Clock).Now()
	}
	return db.NowFunc()
}
