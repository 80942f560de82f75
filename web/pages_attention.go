package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// attentionData is the needs-attention inbox.
type attentionData struct {
	Alerts    []openAlert
	Offline   []deviceRow
	LowSupply []deviceRow
	Slipping  []report.ListRow
	Notice    string
}

// attentionDays is the period the slipping-patients list looks at.
const attentionDays = 30

// attentionPage is the landing page: who needs attention now.
func (h *Handler) attentionPage(c *gin.Context) {
	ctx, p, now := c.Request.Context(), auth.PrincipalOf(c), h.now()
	d := attentionData{Notice: ackNotice(c.Query("ack"))}
	var err error
	if d.Alerts, err = openAlerts(ctx, h.DB, p); err == nil {
		if d.Offline, err = offlineDispensers(ctx, h.DB, p); err == nil {
			d.LowSupply, err = lowSupply(ctx, h.DB, p, now)
		}
	}
	if err == nil {
		d.Slipping, err = slipping(c, h, p)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "web.attention.view", 0, "attention", 0, auth.OutcomeOK)
	h.render(c, http.StatusOK, "attention", page{Title: "Needs attention", Nav: "attention", Data: d})
}

// slipping lists patients below their threshold or on a drug holiday now, worst first.
func slipping(c *gin.Context, h *Handler, p auth.Principal) ([]report.ListRow, error) {
	rows, err := report.List(c.Request.Context(), h.DB, p, attentionDays, h.now(), report.ListOptions{Sort: "worst"})
	out := rows[:0]
	for _, r := range rows {
		if r.Flags.BelowThreshold || r.Flags.HolidayNow {
			out = append(out, r)
		}
	}
	return out, err
}

func ackNotice(v string) string {
	switch v {
	case "done":
		return "Acknowledged: the escalation is closed and no further step will fire."
	case "closed":
		return "That escalation was already closed (the dose was recorded, or someone acknowledged it first)."
	}
	return ""
}

// ackAlert acknowledges an open alert of a visible patient from the
// dashboard: it closes the alert, so no later escalation step fires.
func (h *Handler) ackAlert(c *gin.Context) {
	pr := auth.PrincipalOf(c)
	id, _ := strconv.ParseInt(c.Param("aid"), 10, 64)
	var al store.Alert
	err := h.DB.WithContext(c.Request.Context()).Transaction(func(tx *gorm.DB) error {
		err := tx.Where("id = ? AND patient_id IN (?)", id, auth.VisiblePatients(tx, pr)).Take(&al).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return apperr.E(apperr.NotFound, "no such alert")
		} else if err != nil {
			return err
		}
		now := h.now()
		res := tx.Model(&store.Alert{}).Where("id = ? AND closed_at IS NULL", id).Updates(map[string]any{
			"closed_at": now, "close_reason": "acknowledged", "acknowledged_by": pr.UserID, "acknowledged_at": now, "next_at": nil})
		if res.Error == nil && res.RowsAffected == 0 {
			return apperr.E(apperr.Conflict, "already closed")
		}
		return res.Error
	})
	switch {
	case err == nil:
		auth.Audit(c, h.DB, "web.alert.ack", al.PatientID, "alert", id, auth.OutcomeOK)
		c.Redirect(http.StatusSeeOther, "/web/attention?ack=done")
	case apperr.Is(err, apperr.Conflict):
		auth.Audit(c, h.DB, "web.alert.ack", al.PatientID, "alert", id, auth.OutcomeRefused)
		c.Redirect(http.StatusSeeOther, "/web/attention?ack=closed")
	default:
		auth.Audit(c, h.DB, "web.alert.ack", al.PatientID, "alert", id, auth.OutcomeDenied)
		h.fail(c, err)
	}
}
