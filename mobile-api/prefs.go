package mobileapi

import (
	"net/http"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// Preferences are the caller's notification settings and, for a patient,
// the time zone and travel policy its schedule follows.
type Preferences struct {
	Locale            string  `json:"locale"`
	QuietStart        string  `json:"quiet_start"`
	QuietEnd          string  `json:"quiet_end"`
	LockScreenPrivate bool    `json:"lock_screen_private"`
	TimeZone          *string `json:"time_zone,omitempty"`
	HomeTimeZone      *string `json:"home_time_zone,omitempty"`
	TravelPolicy      *string `json:"travel_policy,omitempty"`
}

// GET /v1/me/preferences
func (a *API) handleGetPrefs(c *gin.Context) {
	v, err := a.prefs(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (a *API) prefs(c *gin.Context) (*Preferences, error) {
	p := auth.PrincipalOf(c)
	var u store.User
	if err := a.db(c).Take(&u, p.UserID).Error; err != nil {
		return nil, err
	}
	v := &Preferences{Locale: u.Locale, QuietStart: u.QuietStart, QuietEnd: u.QuietEnd, LockScreenPrivate: u.LockScreenPrivate}
	if p.Role == store.RolePatient {
		pt, err := auth.OwnPatient(c.Request.Context(), a.DB, p)
		if err != nil {
			return nil, err
		}
		v.TimeZone, v.HomeTimeZone, v.TravelPolicy = &pt.TimeZone, &pt.HomeTimeZone, &pt.TravelPolicy
		auth.Audit(c, a.DB, "preferences.read", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	}
	return v, nil
}

// PATCH /v1/me/preferences changes the fields sent. A patient's new time
// zone or travel policy re-expands future pending doses (via Reexpand).
func (a *API) handlePatchPrefs(c *gin.Context) {
	var req prefsRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	p := auth.PrincipalOf(c)
	if p.Role != store.RolePatient && (req.TimeZone != nil || req.TravelPolicy != nil) {
		httpx.Fail(c, apperr.Validation(apperr.FieldError{Field: "time_zone", Message: "only patients have a schedule time zone"}))
		return
	}
	now := a.Clock.Now()
	user := map[string]any{"updated_at": now}
	set := func(k string, v *string) {
		if v != nil {
			user[k] = *v
		}
	}
	set("locale", req.Locale)
	set("quiet_start", req.QuietStart)
	set("quiet_end", req.QuietEnd)
	if req.LockScreenPrivate != nil {
		user["lock_screen_private"] = *req.LockScreenPrivate
	}
	var pt *store.Patient
	moved := false
	err := a.db(c).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&store.User{}).Where("id = ?", p.UserID).Updates(user).Error; err != nil {
			return err
		}
		if p.Role != store.RolePatient {
			return nil
		}
		var err error
		if pt, err = auth.OwnPatient(c.Request.Context(), tx, p); err != nil {
			return err
		}
		upd := map[string]any{"updated_at": now}
		if req.TimeZone != nil && *req.TimeZone != pt.TimeZone {
			upd["time_zone"], moved = *req.TimeZone, true
		}
		if req.TravelPolicy != nil && *req.TravelPolicy != pt.TravelPolicy {
			upd["travel_policy"], moved = *req.TravelPolicy, true
		}
		if err := tx.Model(&store.Patient{}).Where("id = ?", pt.ID).Updates(upd).Error; err != nil {
			return err
		}
		if !moved || a.Reexpand == nil {
			return nil
		}
		if err := tx.Take(pt, pt.ID).Error; err != nil {
			return err
		}
		return a.Reexpand(tx, pt, now)
	})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if pt != nil {
		auth.Audit(c, a.DB, "preferences.update", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	}
	a.handleGetPrefs(c)
}
