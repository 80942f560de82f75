package mobileapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// InvitationView is a pending invitation as the invited caregiver sees it.
type InvitationView struct {
	ID        int64      `json:"id"`
	Patient   PatientRef `json:"patient"`
	CreatedAt time.Time  `json:"created_at"`
}

// PatientRef names a patient.
type PatientRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// myInvitations scopes care links to the caller's pending invitations:
// addressed to the caller's account, or to the caller's email by a patient
// of the caller's clinic.
func (a *API) myInvitations(c *gin.Context) (func(*gorm.DB) *gorm.DB, error) {
	p := auth.PrincipalOf(c)
	var u store.User
	if err := a.db(c).Select("id, email").Take(&u, p.UserID).Error; err != nil {
		return nil, err
	}
	clinic := a.DB.Session(&gorm.Session{NewDB: true}).Model(&store.Patient{}).Select("id").Where("clinic_id = ?", p.ClinicID)
	return func(q *gorm.DB) *gorm.DB {
		return q.Where("care_links.state = ? AND (care_links.caregiver_id = ? OR (care_links.caregiver_id IS NULL AND lower(care_links.invite_email) = lower(?) AND care_links.patient_id IN (?)))",
			store.LinkPending, p.UserID, u.Email, clinic)
	}, nil
}

// GET /v1/caregiver/invitations lists the caller's pending invitations.
func (a *API) handleInvitations(c *gin.Context) {
	page, err := httpx.ParsePage(c)
	var scope func(*gorm.DB) *gorm.DB
	if err == nil {
		scope, err = a.myInvitations(c)
	}
	q := a.db(c).Scopes(scope)
	if err == nil && page.Cursor != "" {
		var after int64
		after, err = parseIDKey(page.Cursor)
		q = q.Where("care_links.id > ?", after)
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	var rows []struct {
		store.CareLink
		PatientName string
	}
	err = q.Model(&store.CareLink{}).Select("care_links.*, patients.name AS patient_name").
		Joins("JOIN patients ON patients.id = care_links.patient_id").Order("care_links.id").Limit(page.Limit + 1).Scan(&rows).Error
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	list := httpx.List[InvitationView]{Items: []InvitationView{}}
	if len(rows) > page.Limit {
		rows = rows[:page.Limit]
		list.NextCursor = httpx.EncodeCursor(itoa(rows[len(rows)-1].ID))
	}
	for _, r := range rows {
		list.Items = append(list.Items, InvitationView{ID: r.ID, Patient: PatientRef{ID: r.PatientID, Name: r.PatientName}, CreatedAt: r.CreatedAt.UTC()})
		auth.Audit(c, a.DB, "invitation.read", r.PatientID, "care_link", r.ID, auth.OutcomeOK)
	}
	c.JSON(http.StatusOK, list)
}

// POST /v1/invitations/{id}/accept
func (a *API) handleAccept(c *gin.Context) { a.answerInvitation(c, true) }

// POST /v1/invitations/{id}/decline
func (a *API) handleDecline(c *gin.Context) { a.answerInvitation(c, false) }

func (a *API) answerInvitation(c *gin.Context, accept bool) {
	p := auth.PrincipalOf(c)
	id, err := idParam(c, "invitation")
	var scope func(*gorm.DB) *gorm.DB
	if err == nil {
		scope, err = a.myInvitations(c)
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	now := a.Clock.Now()
	upd := map[string]any{"state": store.LinkDeclined, "ended_at": now, "caregiver_id": p.UserID}
	action := "invitation.decline"
	if accept {
		upd = map[string]any{"state": store.LinkActive, "accepted_at": now, "caregiver_id": p.UserID}
		action = "invitation.accept"
	}
	var link store.CareLink
	err = a.db(c).Transaction(func(tx *gorm.DB) error {
		if err := tx.Scopes(scope).Where("care_links.id = ?", id).Take(&link).Error; errors.Is(err, gorm.ErrRecordNotFound) {
			return errNotFound("invitation")
		} else if err != nil {
			return err
		}
		return tx.Model(&store.CareLink{}).Where("id = ? AND state = ?", id, store.LinkPending).Updates(upd).Error
	})
	if err != nil {
		auth.Audit(c, a.DB, action, link.PatientID, "care_link", id, auth.OutcomeDenied)
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, a.DB, action, link.PatientID, "care_link", id, auth.OutcomeOK)
	c.Status(http.StatusNoContent)
}
