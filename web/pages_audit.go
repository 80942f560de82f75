package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// auditFilter is the audit log's filter form (all optional).
type auditFilter struct {
	Person, Patient, From, To string
	Errors                    map[string]string
}

// auditRow is one audit entry with names instead of ids.
type auditRow struct {
	store.AuditEntry
	ActorName, ActorRole, PatientName string
}

type auditData struct {
	Filter    auditFilter
	Rows      []auditRow
	Zone      string
	Next      template.URL // the next (older) page, "" on the last; built by url.Values, so safe
	FirstPage bool
	Chain     string // outcome of a chain check, when asked for
	ChainOK   bool
}

const auditPageSize = 50

// adminAudit shows the clinic's audit log newest first, 50 rows a page,
// filtered by part of the person's or patient's name and by local dates
// (inclusive) in the clinic's zone, with times shown in that zone.
func (h *Handler) adminAudit(c *gin.Context) {
	pr := auth.PrincipalOf(c)
	var clinic store.Clinic
	if err := h.DB.WithContext(c.Request.Context()).Take(&clinic, pr.ClinicID).Error; err != nil {
		h.fail(c, err)
		return
	}
	zone := loadZone(clinic.TimeZone)
	f := auditFilter{Person: clipQ(c.Query("person")), Patient: clipQ(c.Query("patient")), From: clipQ(c.Query("from")),
		To: clipQ(c.Query("to")), Errors: map[string]string{}}
	q := h.auditQuery(c, pr.ClinicID, &f, zone)
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	d := auditData{Filter: f, Zone: clinic.TimeZone, FirstPage: before == 0}
	if before > 0 {
		q = q.Where("a.id < ?", before)
	}
	if len(f.Errors) == 0 {
		if err := q.Order("a.id DESC").Limit(auditPageSize + 1).Scan(&d.Rows).Error; err != nil {
			h.fail(c, err)
			return
		}
	}
	if len(d.Rows) > auditPageSize {
		d.Rows = d.Rows[:auditPageSize]
		d.Next = auditNext(f, d.Rows[auditPageSize-1].ID)
	}
	if c.Query("verify") == "1" {
		if err := h.verifyChain(c, &d); err != nil {
			h.fail(c, err)
			return
		}
	}
	auth.Audit(c, h.DB, "web.admin.audit", 0, "", 0, auth.OutcomeOK)
	status := http.StatusOK
	if len(f.Errors) > 0 {
		status = http.StatusBadRequest
	}
	h.render(c, status, "admin_audit", page{Title: "Audit log", Nav: "audit", Data: d})
}

// auditQuery builds the filtered query; bad dates are recorded in f.Errors.
func (h *Handler) auditQuery(c *gin.Context, clinicID int64, f *auditFilter, zone *time.Location) *gorm.DB {
	q := h.DB.WithContext(c.Request.Context()).Table("audit_log a").
		Select("a.*, COALESCE(u.name, '') AS actor_name, COALESCE(u.role, '') AS actor_role, COALESCE(p.name, '') AS patient_name").
		Joins("LEFT JOIN users u ON u.id = a.actor_id").Joins("LEFT JOIN patients p ON p.id = a.patient_id").
		Where("a.clinic_id = ?", clinicID)
	if f.Person != "" {
		q = q.Where("LOWER(u.name) LIKE ?", likePart(f.Person))
	}
	if f.Patient != "" {
		q = q.Where("LOWER(p.name) LIKE ?", likePart(f.Patient))
	}
	if t, err := time.ParseInLocation(time.DateOnly, f.From, zone); err == nil {
		q = q.Where("a.at >= ?", t.UTC())
	} else if f.From != "" {
		f.Errors["from"] = "Enter the first day as a date, such as 2026-03-01."
	}
	if t, err := time.ParseInLocation(time.DateOnly, f.To, zone); err == nil {
		q = q.Where("a.at < ?", t.AddDate(0, 0, 1).UTC())
	} else if f.To != "" {
		f.Errors["to"] = "Enter the last day as a date, such as 2026-03-31."
	}
	return q
}

// likePart is a case-insensitive "contains" pattern with the wildcards of
// the input removed.
func likePart(s string) string {
	return "%" + strings.ToLower(strings.NewReplacer("%", "", "_", "", "\\", "").Replace(s)) + "%"
}

func clipQ(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(strings.TrimSpace(s), "\x00", ""), "")
	if len(s) > 100 {
		s = s[:100]
	}
	return s
}

func auditNext(f auditFilter, lastID int64) template.URL {
	v := url.Values{"before": {strconv.FormatInt(lastID, 10)}}
	for k, val := range map[string]string{"person": f.Person, "patient": f.Patient, "from": f.From, "to": f.To} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return template.URL("/web/admin/audit?" + v.Encode())
}

// verifyChain re-computes the audit log's hash chain and says whether any
// entry was altered or removed; it names the entry only when it is this clinic's.
func (h *Handler) verifyChain(c *gin.Context, d *auditData) error {
	rep, err := auth.VerifyChains(c.Request.Context(), h.DB)
	if err != nil {
		return err
	}
	d.ChainOK = rep.OK()
	if d.ChainOK {
		d.Chain = "The audit log is intact: every entry's hash and link checked out (" + strconv.Itoa(rep.Rows) + " entries)."
		return nil
	}
	d.Chain = "The audit log was altered: an entry's hash or link does not match. Keep a copy of the database and tell your operator."
	var n int64
	err = h.DB.WithContext(c.Request.Context()).Model(&store.AuditEntry{}).Where("id = ? AND clinic_id = ?", rep.BadRowID, auth.PrincipalOf(c).ClinicID).Count(&n).Error
	if n > 0 {
		d.Chain += " The first bad entry is number " + strconv.FormatInt(rep.BadRowID, 10) + "."
	}
	return err
}
