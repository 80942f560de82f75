package mobileapi

import (
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// TodayView is one local day of a patient's doses (apps poll it with
// If-None-Match) and the as-needed medications they may log.
type TodayView struct {
	PatientID  int64      `json:"patient_id"`
	Date       string     `json:"date"`
	TimeZone   string     `json:"time_zone"`
	Items      []DoseView `json:"items"`
	NextCursor string     `json:"next_cursor,omitempty"`
	AsNeeded   []PRNView  `json:"as_needed"`
}

// GET /v1/me/today?date=YYYY-MM-DD
func (a *API) handleMyToday(c *gin.Context) {
	pt, err := auth.OwnPatient(c.Request.Context(), a.DB, auth.PrincipalOf(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	a.serveToday(c, pt)
}

// GET /v1/caregiver/patients/{id}/today?date=YYYY-MM-DD
func (a *API) handleCaregiverToday(c *gin.Context) {
	id, err := idParam(c, "patient")
	if err == nil {
		var pt *store.Patient
		if pt, err = auth.LoadPatient(c.Request.Context(), a.DB, auth.PrincipalOf(c), id); err == nil {
			a.serveToday(c, pt)
			return
		}
	}
	auth.Audit(c, a.DB, "doses.today", id, "patient", id, auth.OutcomeDenied)
	httpx.Fail(c, err)
}

func (a *API) serveToday(c *gin.Context, pt *store.Patient) {
	v, err := a.today(c, pt)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, a.DB, "doses.today", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	httpx.JSONWithETag(c, v)
}

func (a *API) today(c *gin.Context, pt *store.Patient) (*TodayView, error) {
	page, err := httpx.ParsePage(c)
	if err != nil {
		return nil, err
	}
	date := a.Clock.Now().In(zone(pt.TimeZone)).Format("2006-01-02")
	if s := c.Query("date"); s != "" {
		if date, err = parseDate("date", s); err != nil {
			return nil, err
		}
	}
	q := onLocalDate(a.db(c), pt.ID, date).Where("state <> ?", store.DoseCancelled)
	if page.Cursor != "" {
		k, err := parseTimeKey(page.Cursor)
		if err != nil {
			return nil, err
		}
		q = q.Where("(scheduled_at > ? OR (scheduled_at = ? AND id > ?))", k.At, k.At, k.ID)
	}
	var doses []store.DoseInstance
	if err := q.Order("scheduled_at, id").Limit(page.Limit + 1).Find(&doses).Error; err != nil {
		return nil, err
	}
	v := &TodayView{PatientID: pt.ID, Date: date, TimeZone: pt.TimeZone}
	doses, v.NextCursor = httpx.Trim(doses, page, func(x store.DoseInstance) string { return timeKey{At: x.ScheduledAt, ID: x.ID}.encode() })
	if v.Items, err = doseViews(a.db(c), doses); err != nil {
		return nil, err
	}
	v.AsNeeded, err = a.prnViews(c, pt)
	return v, err
}
