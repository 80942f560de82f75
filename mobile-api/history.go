package mobileapi

import (
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// HistoryPage is a page of the patient's dose history and the window it
// covers (report.Window: local dates, zone, instants).
type HistoryPage struct {
	httpx.List[DoseView]
	Window report.Window `json:"window"`
}

// GET /v1/me/doses?period=7d|30d|90d or ?from=YYYY-MM-DD&to=YYYY-MM-DD, &state=…
// lists the patient's own doses newest first. The window is report's
// (report.ParseWindow): default the last 30 local calendar days, today
// included; from alone runs to today, to alone starts 29 days before it.
func (a *API) handleHistory(c *gin.Context) {
	pt, err := auth.OwnPatient(c.Request.Context(), a.DB, auth.PrincipalOf(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	list, err := a.history(c, pt)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, a.DB, "doses.history", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	c.JSON(200, list)
}

var doseStates = map[string]bool{store.DosePending: true, store.DoseTaken: true, store.DoseMissed: true, store.DoseSkipped: true, store.DoseCancelled: true}

// historyWindow reads the window, filling in the missing end of a half range.
func (a *API) historyWindow(c *gin.Context, pt *store.Patient) (report.Window, error) {
	now, tz := a.Clock.Now(), report.PatientZone(pt)
	from, to := c.Query("from"), c.Query("to")
	if from != "" && to == "" {
		to = now.In(tz).Format(time.DateOnly)
	}
	if to != "" && from == "" {
		if t, err := parseDate("to", to); err != nil {
			return report.Window{}, err
		} else {
			d, _ := time.Parse(time.DateOnly, t)
			from = d.AddDate(0, 0, -29).Format(time.DateOnly)
		}
	}
	return report.ParseWindow(c.Query("period"), from, to, tz, now)
}

func (a *API) history(c *gin.Context, pt *store.Patient) (*HistoryPage, error) {
	page, err := httpx.ParsePage(c)
	if err != nil {
		return nil, err
	}
	w, err := a.historyWindow(c, pt)
	if err != nil {
		return nil, err
	}
	q := a.db(c).Where("patient_id = ? AND scheduled_at >= ? AND scheduled_at < ?", pt.ID, w.FromUTC, w.ToUTC)
	if s := c.Query("state"); s != "" {
		if !doseStates[s] {
			return nil, apperr.Validation(apperr.FieldError{Field: "state", Message: "must be pending, taken, missed, skipped or cancelled"})
		}
		q = q.Where("state = ?", s)
	}
	if page.Cursor != "" {
		k, err := parseTimeKey(page.Cursor)
		if err != nil {
			return nil, err
		}
		q = q.Where("(scheduled_at < ? OR (scheduled_at = ? AND id < ?))", k.At, k.At, k.ID)
	}
	var doses []store.DoseInstance
	if err := q.Order("scheduled_at DESC, id DESC").Limit(page.Limit + 1).Find(&doses).Error; err != nil {
		return nil, err
	}
	list := &HistoryPage{Window: w}
	doses, list.NextCursor = httpx.Trim(doses, page, func(x store.DoseInstance) string { return timeKey{At: x.ScheduledAt, ID: x.ID}.encode() })
	list.Items, err = doseViews(a.db(c), doses)
	return list, err
}
