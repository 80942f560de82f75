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
}

func (r *loginRequest) Validate() error {
	var f []apperr.FieldError
	if !strings.Contains(r.Email, "@") {
		f = append(f, apperr.FieldError{Field: "email", Message: "must be an email address"})
	}
	if r.Password == "" {
		f = append(f, apperr.FieldError{Field: "password", Message: "is required"})
	}
	if len(f) > 0 {
		return apperr.Validation(f...)
	}
	return nil
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// Register mounts the auth endpoints on r:
// POST /v1/auth/login, POST /v1/auth/refresh, POST /v1/auth/logout, GET /v1/me.
func (s *Service) Register(r gin.IRouter) {
	r.POST("/v1/auth/login", s.handleLogin)
	r.POST("/v1/auth/refresh", s.handleRefresh)
	r.POST("/v1/auth/logout", s.Required(), s.handleLogout)
	r.GET("/v1/me", s.Required(), s.handleMe)
}

func (s *Service) handleLogin(c *gin.Context) {
	var req loginRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	tok, err := s.Login(c.Request.Context(), req.Email, req.Password, c.Request.UserAgent())
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
	tok, err := s.Refresh(c.Request.Context(), req.RefreshToken)
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
	c.Status(http.StatusNoContent)
}

func (s *Service) handleMe(c *gin.Context) {
	var u store.User
	if err := s.DB.WithContext(c.Request.Context()).Take(&u, PrincipalOf(c).UserID).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ViewOf(u))
}
