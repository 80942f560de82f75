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

// POST /v1/me/push-tokens registers or refreshes this install's token. A
// token moves to the caller when another account registered it before (the
// phone changed hands) and is re-enabled; it is tied to the session, so
// logout removes it.
func (a *API) handlePutToken(c *gin.Context) {
	var req tokenRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	p := auth.PrincipalOf(c)
	now := a.Clock.Now()
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
