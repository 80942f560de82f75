package mobileapi

import (
	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// GET /v1/me/doses?from=YYYY-MM-DD&to=YYYY-MM-DD&state=… lists the patient's
// own doses newest first (default: the last 30 local days up to today).
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

func (a *API) history(c *gin.Context, pt *store.Patient) (*httpx.List[DoseView], error) {
	page, err := httpx.ParsePage(c)
	if err != nil {
		return nil, err
	}
	today := a.Clock.Now().In(zone(pt.TimeZone))
	from, to := today.AddDate(0, 0, -29).Format("2006-01-02"), today.Format("2006-01-02")
	if s := c.Query("from"); s != "" {
		if from, err = parseDate("from", s); err != nil {
			return nil, err
		}
	}
	if s := c.Query("to"); s != "" {
		if to, err = parseDate("to", s); err != nil {
			return nil, err
		}
	}
	q := a.db(c).Where("patient_id = ? AND local_date BETWEEN ? AND ?", pt.ID, from, to)
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
	list := &httpx.List[DoseView]{}
	doses, list.NextCursor = httpx.Trim(doses, page, func(x store.DoseInstance) string { return timeKey{At: x.ScheduledAt, ID: x.ID}.encode() })
	list.Items, err = doseViews(a.db(c), doses)
	return list, err
}
