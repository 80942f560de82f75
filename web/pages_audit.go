package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// auditFilter is the audit log's filter form (all optional).
type auditFilter struct {
	Patient, Actor, From, To string
	Error                    string
}

const auditPageSize = 200

// adminAudit shows the clinic's newest audit rows, filtered by patient id,
// actor id and date (UTC days, inclusive).
func (h *Handler) adminAudit(c *gin.Context) {
	f := auditFilter{Patient: strings.TrimSpace(c.Query("patient")), Actor: strings.TrimSpace(c.Query("actor")),
		From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to"))}
	q := h.DB.WithContext(c.Request.Context()).Model(&store.AuditEntry{}).Where("clinic_id = ?", auth.PrincipalOf(c).ClinicID)
	var bad []string
	if f.Patient != "" {
		if n, err := strconv.ParseInt(f.Patient, 10, 64); err == nil {
			q = q.Where("patient_id = ?", n)
		} else {
			bad = append(bad, "patient must be a patient id")
		}
	}
	if f.Actor != "" {
		if n, err := strconv.ParseInt(f.Actor, 10, 64); err == nil {
			q = q.Where("actor_id = ?", n)
		} else {
			bad = append(bad, "actor must be a user id")
		}
	}
	if t, err := time.Parse(time.DateOnly, f.From); err == nil {
		q = q.Where("at >= ?", t)
	} else if f.From != "" {
		bad = append(bad, "from must be a date YYYY-MM-DD")
	}
	if t, err := time.Parse(time.DateOnly, f.To); err == nil {
		q = q.Where("at < ?", t.AddDate(0, 0, 1))
	} else if f.To != "" {
		bad = append(bad, "to must be a date YYYY-MM-DD")
	}
	f.Error = strings.Join(bad, "; ")
	var rows []store.AuditEntry
	if len(bad) == 0 {
		if err := q.Order("at DESC, id DESC").Limit(auditPageSize).Find(&rows).Error; err != nil {
			h.fail(c, err)
			return
		}
	}
	t := adminTable{Columns: []string{"When", "Actor", "Action", "Patient", "Object", "Outcome", "Request"}, Filter: &f}
	for _, e := range rows {
		t.Rows = append(t.Rows, []string{fmtTime(&e.At), optID(e.ActorID), e.Action, optID(e.PatientID),
			strings.Trim(e.ObjectType+" "+e.ObjectID, " "), e.Outcome, e.RequestID})
	}
	h.showTable(c, "audit", "Audit log", "web.admin.audit", t)
}

func optID(p *int64) string {
	if p == nil {
		return ""
	}
	return id(*p)
}
