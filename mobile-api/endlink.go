package mobileapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// DELETE /v1/links/{id} ends a care link: its patient revokes it (pending or
// active; access ends with the next request), its caregiver leaves it.
func (a *API) handleEndLink(c *gin.Context) {
	p := auth.PrincipalOf(c)
	id, err := idParam(c, "care link")
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	now := a.Clock.Now()
	state := store.LinkLeft
	scope := func(q *gorm.DB) *gorm.DB {
		q = q.Where("id = ?", id)
		if p.Role == store.RolePatient {
			return q.Where("state IN ? AND patient_id IN (?)", []string{store.LinkPending, store.LinkActive}, auth.VisiblePatients(a.DB, p))
		}
		return q.Where("state = ? AND caregiver_id = ?", store.LinkActive, p.UserID)
	}
	if p.Role == store.RolePatient {
		state = store.LinkRevoked
	}
	var link store.CareLink
	if err := a.db(c).Scopes(scope).Take(&link).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		auth.Audit(c, a.DB, "link.end", auth.TargetPatient(c, a.DB, auth.TableLinks, id), "care_link", id, auth.OutcomeDenied)
		httpx.Fail(c, errNotFound("care link"))
		return
	} else if err != nil {
		httpx.Fail(c, err)
		return
	}
	res := a.db(c).Model(&store.CareLink{}).Scopes(scope).Updates(map[string]any{"state": state, "ended_at": now})
	if res.Error != nil {
		httpx.Fail(c, res.Error)
		return
	}
	auth.Audit(c, a.DB, "link."+state, link.PatientID, "care_link", id, auth.OutcomeOK)
	c.Status(http.StatusNoContent)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func ptrVal(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
