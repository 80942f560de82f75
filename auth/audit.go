package auth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/clock"
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
// any, with role, client address and user agent), what (action such as
// "dose.take"), which patient, outcome. A row about a patient is filed under
// the patient's clinic, so a refused attempt from another clinic is visible
// to the clinic that was targeted. A failure to audit is logged; it does not
// fail the request that has already happened.
func Audit(c *gin.Context, db *gorm.DB, action string, patientID int64, objectType string, objectID int64, outcome string) {
	e := Entry(c, action, outcome)
	e.ObjectType = objectType
	if patientID != 0 {
		e.PatientID = &patientID
	}
	if objectID != 0 {
		e.ObjectID = strconv.FormatInt(objectID, 10)
	}
	Record(c.Request.Context(), db, e)
}

// Entry starts an audit row for the current request: time, actor, role,
// client address, user agent and the server's request id.
func Entry(c *gin.Context, action, outcome string) store.AuditEntry {
	cl := ClientOf(c)
	e := store.AuditEntry{At: auditNow(c), Action: action, Outcome: outcome, RequestID: cl.RequestID,
		IP: cl.IP, UserAgent: cl.UserAgent}
	if v, ok := c.Get(principalKey); ok {
		p := v.(Principal)
		e.ActorID, e.ClinicID, e.Role = &p.UserID, &p.ClinicID, p.Role
	}
	return e
}

// Record appends e to its clinic's hash chain (the patient's clinic when the
// row names a patient, else e.ClinicID, else chain 0). Errors are logged.
func Record(ctx context.Context, db *gorm.DB, e store.AuditEntry) {
	if e.At.IsZero() {
		e.At = db.NowFunc()
	}
	if err := appendChained(ctx, db, &e); err != nil {
		slog.Error("audit write failed", "request_id", e.RequestID, "action", e.Action, "err", err)
	}
}

func appendChained(ctx context.Context, db *gorm.DB, e *store.AuditEntry) error {
	e.At = e.At.UTC().Truncate(time.Microsecond)
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if e.PatientID != nil {
			var clinic int64
			if err := tx.Model(&store.Patient{}).Select("clinic_id").Where("id = ?", *e.PatientID).Scan(&clinic).Error; err != nil {
				return err
			}
			if clinic != 0 {
				e.ClinicID = &clinic
			}
		}
		if e.ClinicID != nil {
			e.ChainKey = *e.ClinicID
		}
		if err := lockChain(tx, e.ChainKey); err != nil {
			return err
		}
		var prev []string
		if err := tx.Model(&store.AuditEntry{}).Where("chain_key = ?", e.ChainKey).Order("id DESC").Limit(1).
			Pluck("hash", &prev).Error; err != nil {
			return err
		}
		if len(prev) == 1 {
			e.PrevHash = prev[0]
		}
		e.Hash = HashEntry(*e)
		return tx.Create(e).Error
	})
}

// lockChain serialises appends to one chain. SQLite transactions already
// take the write lock at BEGIN (the store opens it with _txlock=immediate).
func lockChain(tx *gorm.DB, chain int64) error {
	if !store.IsPostgres(tx) {
		return nil
	}
	return tx.Exec("SELECT pg_advisory_xact_lock(?, ?)", 0x0a0d17, chain).Error
}

// HashEntry is the row's link in its chain: SHA-256 over the previous row's
// hash and every recorded field, so altering a row or removing one breaks
// the chain at that point.
func HashEntry(e store.AuditEntry) string {
	opt := func(p *int64) string {
		if p == nil {
			return "-"
		}
		return strconv.FormatInt(*p, 10)
	}
	s := fmt.Sprintf("%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%d",
		e.PrevHash, e.At.UTC().Format(time.RFC3339Nano), opt(e.ActorID), opt(e.ClinicID), e.Action, opt(e.PatientID),
		e.ObjectType, e.ObjectID, e.Outcome, e.RequestID, e.Role, e.IP, e.UserAgent, e.Detail, e.ChainKey)
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

const clockKey = "doseloop.clock"

// WithClock makes the request's audit rows use clk (the app's injected clock)
// instead of the database's wall clock. Mount it first on the router.
func WithClock(clk clock.Clock) gin.HandlerFunc {
	return func(c *gin.Context) { c.Set(clockKey, clk); c.Next() }
}

func auditNow(c *gin.Context) time.Time {
	if v, ok := c.Get(clockKey); ok {
		return v.(clock.Clock).Now()
	}
	return time.Now()
}
