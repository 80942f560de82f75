package mobileapi

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// PersonView names another user.
type PersonView struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// LinkView is a care link as its patient sees it. The caregiver is named
// only once they accepted, so an invitation never reveals whether an email
// belongs to an account.
type LinkView struct {
	ID              int64       `json:"id"`
	PatientID       int64       `json:"patient_id"`
	State           string      `json:"state"`
	Caregiver       *PersonView `json:"caregiver"`
	InviteEmail     string      `json:"invite_email"`
	EscalationOrder int         `json:"escalation_order"`
	CreatedAt       time.Time   `json:"created_at"`
	AcceptedAt      *time.Time  `json:"accepted_at"`
	EndedAt         *time.Time  `json:"ended_at"`
}

// GET /v1/me/links?state=pending|active|all lists who can (or is invited to)
// see the patient's data; by default pending and active links.
func (a *API) handleListLinks(c *gin.Context) {
	pt, err := auth.OwnPatient(c.Request.Context(), a.DB, auth.PrincipalOf(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	page, err := httpx.ParsePage(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := a.db(c).Where("patient_id = ?", pt.ID)
	switch s := c.DefaultQuery("state", "current"); s {
	case "current":
		q = q.Where("state IN ?", []string{store.LinkPending, store.LinkActive})
	case "all":
	case store.LinkPending, store.LinkActive, store.LinkDeclined, store.LinkRevoked, store.LinkLeft:
		q = q.Where("state = ?", s)
	default:
		httpx.Fail(c, apperr.Validation(apperr.FieldError{Field: "state", Message: "must be current, all, pending, active, declined, revoked or left"}))
		return
	}
	if page.Cursor != "" {
		after, err := parseIDKey(page.Cursor)
		if err != nil {
			httpx.Fail(c, err)
			return
		}
		q = q.Where("id > ?", after)
	}
	var links []store.CareLink
	if err := q.Order("id").Limit(page.Limit + 1).Find(&links).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	list := httpx.List[LinkView]{}
	links, list.NextCursor = httpx.Trim(links, page, func(x store.CareLink) string { return itoa(x.ID) })
	if list.Items, err = a.linkViews(c, links); err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, a.DB, "links.list", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	c.JSON(http.StatusOK, list)
}

func (a *API) linkViews(c *gin.Context, links []store.CareLink) ([]LinkView, error) {
	var ids []int64
	for _, l := range links {
		if l.CaregiverID != nil && l.AcceptedAt != nil {
			ids = append(ids, *l.CaregiverID)
		}
	}
	users := map[int64]store.User{}
	if len(ids) > 0 {
		var us []store.User
		if err := a.db(c).Where("id IN ?", ids).Find(&us).Error; err != nil {
			return nil, err
		}
		for _, u := range us {
			users[u.ID] = u
		}
	}
	out := make([]LinkView, 0, len(links))
	for _, l := range links {
		v := LinkView{ID: l.ID, PatientID: l.PatientID, State: l.State, InviteEmail: l.InviteEmail, EscalationOrder: l.EscalationOrder,
			CreatedAt: l.CreatedAt.UTC(), AcceptedAt: utcPtr(l.AcceptedAt), EndedAt: utcPtr(l.EndedAt)}
		if u, ok := users[ptrVal(l.CaregiverID)]; ok && l.AcceptedAt != nil {
			v.Caregiver = &PersonView{ID: u.ID, Name: u.Name, Email: u.Email}
		}
		out = append(out, v)
	}
	return out, nil
}

type inviteRequest struct {
	Email string `json:"email"`
}

func (r *inviteRequest) Validate() error {
	r.Email = strings.TrimSpace(r.Email)
	at := strings.IndexByte(r.Email, '@')
	if at < 1 || at == len(r.Email)-1 || len(r.Email) > 254 || strings.ContainsAny(r.Email, " \t\n<>") {
		return apperr.Validation(apperr.FieldError{Field: "email", Message: "must be an email address"})
	}
	return nil
}

// POST /v1/me/links invites a caregiver by email. The link stays pending
// until the caregiver accepts; it is bound to a caregiver account of the
// same clinic when one has that email, else to the email.
func (a *API) handleInvite(c *gin.Context) {
	var req inviteRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	pt, err := auth.OwnPatient(c.Request.Context(), a.DB, auth.PrincipalOf(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	now := a.Clock.Now()
	link := store.CareLink{PatientID: pt.ID, InviteEmail: req.Email, State: store.LinkPending, CreatedAt: now}
	err = a.db(c).Transaction(func(tx *gorm.DB) error {
		var u store.User
		err := tx.Where("lower(email) = lower(?) AND clinic_id = ? AND role = ? AND disabled_at IS NULL",
			req.Email, pt.ClinicID, store.RoleCaregiver).Take(&u).Error
		if err == nil {
			link.CaregiverID = &u.ID
		} else if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		var dup int64
		q := tx.Model(&store.CareLink{}).Where("patient_id = ? AND state IN ?", pt.ID, []string{store.LinkPending, store.LinkActive})
		if link.CaregiverID != nil {
			q = q.Where("(caregiver_id = ? OR lower(invite_email) = lower(?))", u.ID, req.Email)
		} else {
			q = q.Where("lower(invite_email) = lower(?)", req.Email)
		}
		if err := q.Count(&dup).Error; err != nil {
			return err
		}
		if dup > 0 {
			return apperr.E(apperr.Conflict, "%s is already invited or linked", req.Email).WithReason("already_linked")
		}
		if err := tx.Model(&store.CareLink{}).Where("patient_id = ?", pt.ID).
			Select("COALESCE(MAX(escalation_order), 0) + 1").Scan(&link.EscalationOrder).Error; err != nil {
			return err
		}
		return tx.Create(&link).Error
	})
	if err != nil {
		auth.Audit(c, a.DB, "link.invite", pt.ID, "care_link", 0, auth.OutcomeRefused)
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, a.DB, "link.invite", pt.ID, "care_link", link.ID, auth.OutcomeOK)
	views, err := a.linkViews(c, []store.CareLink{link})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, views[0])
}
