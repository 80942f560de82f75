package auth

import (
	"net/http"
	"strings"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Code     string `json:"code"`
}

func (r *loginRequest) Validate() error {
	var f []apperr.FieldError
	if !strings.Contains(r.Email, "@") || len(r.Email) > 320 {
		f = append(f, apperr.FieldError{Field: "email", Message: "must be an email address"})
	}
	if r.Password == "" {
		f = append(f, apperr.FieldError{Field: "password", Message: "is required"})
	}
	if len(r.Code) > 64 {
		f = append(f, apperr.FieldError{Field: "code", Message: "is too long"})
	}
	if len(f) > 0 {
		return apperr.Validation(f...)
	}
	return nil
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// Register mounts the auth endpoints on r: sign-in, refresh, sign-out (this
// session or everywhere), password change and reset, TOTP enrolment, GET /v1/me.
func (s *Service) Register(r gin.IRouter) {
	r.POST("/v1/auth/login", s.handleLogin)
	r.POST("/v1/auth/refresh", s.handleRefresh)
	r.POST("/v1/auth/reset", s.handleReset)
	r.POST("/v1/auth/logout", s.Required(), s.handleLogout)
	r.POST("/v1/auth/logout-all", s.Required(), s.handleLogoutAll)
	r.GET("/v1/me", s.Required(), s.handleMe)
	r.POST("/v1/me/password", s.Required(), s.handlePassword)
	r.POST("/v1/me/mfa/totp/setup", s.Required(), s.handleTOTPSetup)
	r.POST("/v1/me/mfa/totp/enable", s.Required(), s.handleTOTPEnable)
	r.POST("/v1/me/mfa/totp/disable", s.Required(), s.handleTOTPDisable)
}

func (s *Service) handleLogin(c *gin.Context) {
	var req loginRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	tok, err := s.SignIn(c.Request.Context(), Attempt{Email: req.Email, Password: req.Password, Code: req.Code, Client: ClientOf(c)})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, tok)
}

func (s *Service) handleRefresh(c *gin.Context) {
	var req refreshRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	if req.RefreshToken == "" {
		httpx.Fail(c, apperr.Validation(apperr.FieldError{Field: "refresh_token", Message: "is required"}))
		return
	}
	tok, err := s.RefreshFrom(c.Request.Context(), req.RefreshToken, ClientOf(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, tok)
}

func (s *Service) handleLogout(c *gin.Context) {
	if err := s.Logout(c.Request.Context(), PrincipalOf(c)); err != nil {
		httpx.Fail(c, err)
		return
	}
	Audit(c, s.DB, "auth.logout", 0, "", 0, OutcomeOK)
	c.Status(http.StatusNoContent)
}

func (s *Service) handleLogoutAll(c *gin.Context) {
	if err := s.LogoutAll(c.Request.Context(), PrincipalOf(c)); err != nil {
		httpx.Fail(c, err)
		return
	}
	Audit(c, s.DB, "auth.logout_all", 0, "", 0, OutcomeOK)
	c.Status(http.StatusNoContent)
}

func (s *Service) handleMe(c *gin.Context) {
	var u store.User
	if err := s.DB.WithContext(c.Request.Context()).Take(&u, PrincipalOf(c).UserID).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"id": u.ID, "email": u.Email, "name": u.Name, "role": u.Role, "clinic_id": u.ClinicID,
		"locale": u.Locale, "mfa_enabled": u.TOTPEnabledAt != nil, "required": PrincipalOf(c).Required})
}
