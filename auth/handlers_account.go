package auth

import (
	"net/http"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/httpx"
	"github.com/gin-gonic/gin"
)

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *Service) handlePassword(c *gin.Context) {
	var req passwordRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	if err := s.ChangePassword(c.Request.Context(), PrincipalOf(c), ClientOf(c), req.CurrentPassword, req.NewPassword); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type resetRequest struct {
	Email       string `json:"email"`
	Code        string `json:"code"`
	NewPassword string `json:"new_password"`
}

func (s *Service) handleReset(c *gin.Context) {
	var req resetRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	if len(req.Email) > 320 || len(req.Code) > 64 {
		httpx.Fail(c, errBadReset)
		return
	}
	if err := s.ResetPassword(c.Request.Context(), ClientOf(c), req.Email, req.Code, req.NewPassword); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

type codeRequest struct {
	Code string `json:"code"`
}

func (r *codeRequest) Validate() error {
	if r.Code == "" || len(r.Code) > 64 {
		return apperr.Validation(apperr.FieldError{Field: "code", Message: "is required (the 6-digit code from the authenticator app)"})
	}
	return nil
}

func (s *Service) handleTOTPSetup(c *gin.Context) {
	setup, err := s.StartTOTP(c.Request.Context(), PrincipalOf(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	Audit(c, s.DB, "auth.mfa_setup", 0, "", 0, OutcomeOK)
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, setup)
}

func (s *Service) handleTOTPEnable(c *gin.Context) {
	var req codeRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	codes, err := s.EnableTOTP(c.Request.Context(), PrincipalOf(c), req.Code)
	if err != nil {
		Audit(c, s.DB, "auth.mfa_enable", 0, "", 0, OutcomeFailed)
		httpx.Fail(c, err)
		return
	}
	Audit(c, s.DB, "auth.mfa_enable", 0, "", 0, OutcomeOK)
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"recovery_codes": codes})
}

func (s *Service) handleTOTPDisable(c *gin.Context) {
	var req codeRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	if err := s.DisableTOTP(c.Request.Context(), PrincipalOf(c), req.Code); err != nil {
		Audit(c, s.DB, "auth.mfa_disable", 0, "", 0, OutcomeFailed)
		httpx.Fail(c, err)
		return
	}
	Audit(c, s.DB, "auth.mfa_disable", 0, "", 0, OutcomeOK)
	c.Status(http.StatusNoContent)
}
