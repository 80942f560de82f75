package mobileapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm/clause"
)

type tokenRequest struct {
	Platform   string `json:"platform"`
	Token      string `json:"token"`
	AppVersion string `json:"app_version"`
	Locale     string `json:"locale"`
}

func (r *tokenRequest) Validate() error {
	var f []apperr.FieldError
	if r.Platform != "ios" && r.Platform != "android" && r.Platform != "web" {
		f = append(f, apperr.FieldError{Field: "platform", Message: "must be ios, android or web"})
	}
	if r.Token == "" || len(r.Token) > 4096 || strings.ContainsAny(r.Token, " /\n\t") {
		f = append(f, apperr.FieldError{Field: "token", Message: "must be a registration token (1–4096 characters, no spaces or slashes)"})
	}
	if len(r.AppVersion) > 64 {
		f = append(f, apperr.FieldError{Field: "app_version", Message: "must be at most 64 characters"})
	}
	if r.Locale != "" && !validLocale(r.Locale) {
		f = append(f, apperr.FieldError{Field: "locale", Message: "must be a language tag such as en or pt-BR"})
	}
	if len(f) > 0 {
		return apperr.Validation(f...)
	}
	return nil
}

// PushTokenView is a registered install (the token itself is not echoed).
type PushTokenView struct {
	Platform   string    `json:"platform"`
	AppVersion string    `json:"app_version"`
	Locale     string    `json:"locale"`
	LastSeenAt time.Time `json:"last_seen_at"`
}

// POST /v1/me/push-tokens registers or refreshes this install's token. It
// is tied to the session, so logout removes it. A token another account
// still holds in a live session is not moved (409, audited): whoever has
// seen a token could otherwise redirect that person's notifications. Once
// the other session has ended the token moves and is re-enabled.
func (a *API) handlePutToken(c *gin.Context) {
	var req tokenRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	p := auth.PrincipalOf(c)
	now := a.Clock.Now()
	if held, err := a.heldByOther(c, req.Token, p.UserID, now); err != nil || held {
		if err == nil {
			auth.Audit(c, a.DB, "push_token.register", 0, "push_token", 0, auth.OutcomeRefused)
			err = apperr.E(apperr.Conflict, "this push token is registered to another signed-in account; sign that account out on the device first").WithReason("token_in_use")
		}
		httpx.Fail(c, err)
		return
	}
	t := store.PushToken{UserID: p.UserID, Token: req.Token, Platform: req.Platform, AppVersion: req.AppVersion,
		Locale: req.Locale, SessionID: p.SessionID, LastSeenAt: now, CreatedAt: now}
	err := a.db(c).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "token"}},
		DoUpdates: clause.Assignments(map[string]any{"user_id": p.UserID, "platform": req.Platform, "app_version": req.AppVersion,
			"locale": req.Locale, "session_id": p.SessionID, "last_seen_at": now, "disabled_at": nil, "disabled_reason": ""})}).
		Create(&t).Error
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, PushTokenView{Platform: req.Platform, AppVersion: req.AppVersion, Locale: req.Locale, LastSeenAt: now})
}

// DELETE /v1/me/push-tokens/{token} removes one of the caller's tokens.
func (a *API) handleDeleteToken(c *gin.Context) {
	p := auth.PrincipalOf(c)
	res := a.db(c).Where("token = ? AND user_id = ?", c.Param("token"), p.UserID).Delete(&store.PushToken{})
	if res.Error != nil {
		httpx.Fail(c, res.Error)
		return
	}
	if res.RowsAffected == 0 {
		httpx.Fail(c, errNotFound("push token"))
		return
	}
	c.Status(http.StatusNoContent)
}

// heldByOther reports whether token belongs to another user whose session is
// still open.
func (a *API) heldByOther(c *gin.Context, token string, userID int64, now time.Time) (bool, error) {
	var n int64
	err := a.db(c).Model(&store.PushToken{}).Joins("JOIN sessions ON sessions.id = push_tokens.session_id").
		Where("push_tokens.token = ? AND push_tokens.user_id <> ? AND sessions.revoked_at IS NULL AND sessions.expires_at > ?",
			token, userID, now).Count(&n).Error
	return n > 0, err
}
