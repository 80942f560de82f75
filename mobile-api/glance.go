package mobileapi

import (
	"net/http"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// GlanceView is one linked patient at a glance: today's doses, the last
// time the dispenser was heard from, and how many alerts are open.
type GlanceView struct {
	Patient              PatientRef `json:"patient"`
	LinkID               int64      `json:"link_id"`
	TimeZone             string     `json:"time_zone"`
	Date                 string     `json:"date"`
	Doses                []DoseView `json:"doses"`
	LastDispenserContact *time.Time `json:"last_dispenser_contact"`
	OpenAlerts           int64      `json:"open_alerts"`
	MutedUntil           *time.Time `json:"muted_until"`
}

// GET /v1/caregiver/patients lists the caller's actively linked patients.
func (a *API) handleGlance(c *gin.Context) {
	p := auth.PrincipalOf(c)
	page, err := httpx.ParsePage(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := a.db(c).Where("caregiver_id = ? AND state = ?", p.UserID, store.LinkActive)
	if page.Cursor != "" {
		after, err := parseIDKey(page.Cursor)
		if err != nil {
			httpx.Fail(c, err)
			return
		}
		q = q.Where("patient_id > ?", after)
	}
	var links []store.CareLink
	if err := q.Order("patient_id").Limit(page.Limit + 1).Find(&links).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	list := httpx.List[GlanceView]{Items: []GlanceView{}}
	links, list.NextCursor = httpx.Trim(links, page, func(x store.CareLink) string { return itoa(x.PatientID) })
	for _, l := range links {
		v, err := a.glance(c, l)
		if err != nil {
			httpx.Fail(c, err)
			return
		}
		list.Items = append(list.Items, *v)
		auth.Audit(c, a.DB, "patient.glance", l.PatientID, "patient", l.PatientID, auth.OutcomeOK)
	}
	c.JSON(http.StatusOK, list)
}

func (a *API) glance(c *gin.Context, l store.CareLink) (*GlanceView, error) {
	var pt store.Patient
	if err := a.db(c).Take(&pt, l.PatientID).Error; err != nil {
		return nil, err
	}
	date := a.Clock.Now().In(zone(pt.TimeZone)).Format("2006-01-02")
	v := &GlanceView{Patient: PatientRef{ID: pt.ID, Name: pt.Name}, LinkID: l.ID, TimeZone: pt.TimeZone, Date: date, MutedUntil: utcPtr(l.MutedUntil)}
	var doses []store.DoseInstance
	if err := onLocalDate(a.db(c), pt.ID, date).Where("state <> ?", store.DoseCancelled).
		Order("scheduled_at, id").Limit(200).Find(&doses).Error; err != nil {
		return nil, err
	}
	var err error
	if v.Doses, err = doseViews(a.db(c), doses); err != nil {
		return nil, err
	}
	var d store.Dispenser
	if err := a.db(c).Select("last_seen_at").Where("patient_id = ? AND revoked_at IS NULL AND last_seen_at IS NOT NULL", pt.ID).
		Order("last_seen_at DESC").Limit(1).Find(&d).Error; err != nil {
		return nil, err
	}
	v.LastDispenserContact = utcPtr(d.LastSeenAt)
	err = a.db(c).Model(&store.Alert{}).Where("patient_id = ? AND closed_at IS NULL", pt.ID).Count(&v.OpenAlerts).Error
	return v, err
}
