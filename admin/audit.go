package admin

import (
	"net/http"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

type auditView struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    *int64    `json:"actor_id"`
	Action     string    `json:"action"`
	PatientID  *int64    `json:"patient_id,omitempty"`
	ObjectType string    `json:"object_type,omitempty"`
	ObjectID   string    `json:"object_id,omitempty"`
	Outcome    string    `json:"outcome"`
	RequestID  string    `json:"request_id,omitempty"`
	Role       string    `json:"role,omitempty"`
	IP         string    `json:"ip,omitempty"`
	UserAgent  string    `json:"user_agent,omitempty"`
	Detail     string    `json:"detail,omitempty"`
	Hash       string    `json:"hash,omitempty"`
}

// listAudit pages the clinic's audit log newest first, filtered by patient,
// actor and time range.
func (h *Handler) listAudit(c *gin.Context) {
	page, err := httpx.ParsePage(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := h.DB.WithContext(c).Model(&store.AuditEntry{}).Where("clinic_id = ?", auth.PrincipalOf(c).ClinicID)
	for _, f := range []struct{ param, col string }{{"patient_id", "patient_id"}, {"actor_id", "actor_id"}} {
		if v := c.Query(f.param); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				httpx.Fail(c, apperr.Validation(apperr.FieldError{Field: f.param, Message: "must be a number"}))
				return
			}
			q = q.Where(f.col+" = ?", id)
		}
	}
	for _, f := range []struct{ param, op string }{{"from", ">="}, {"to", "<"}} {
		if v := c.Query(f.param); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				httpx.Fail(c, apperr.Validation(apperr.FieldError{Field: f.param, Message: "must be an RFC 3339 instant"}))
				return
			}
			q = q.Where("at "+f.op+" ?", t.UTC())
		}
	}
	if before, err := strconv.ParseInt(page.Cursor, 10, 64); err == nil {
		q = q.Where("id < ?", before)
	}
	var rows []store.AuditEntry
	if err := q.Order("id DESC").Limit(page.Limit + 1).Find(&rows).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	out := httpx.List[auditView]{Items: []auditView{}}
	rows, out.NextCursor = httpx.Trim(rows, page, func(e store.AuditEntry) string { return strconv.FormatInt(e.ID, 10) })
	for _, e := range rows {
		out.Items = append(out.Items, auditView{e.ID, e.At, e.ActorID, e.Action, e.PatientID, e.ObjectType, e.ObjectID,
			e.Outcome, e.RequestID, e.Role, e.IP, e.UserAgent, e.Detail, e.Hash})
	}
	c.JSON(http.StatusOK, out)
}
