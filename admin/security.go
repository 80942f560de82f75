package admin

import (
	"net/http"
	"unicode"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// Bounds on admin input.
const (
	MaxNameLen = 200 // names of people and medications, in characters
	MaxListIDs = 50  // ids in one list (care team)
)

// cleanText refuses NUL and other control characters (Postgres refuses NUL;
// neither belongs in a name).
func cleanText(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return false
		}
	}
	return true
}

// clinicUser loads a user of the admin's clinic named by :id; others are 404.
func (h *Handler) clinicUser(c *gin.Context) (*store.User, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return nil, err
	}
	var u store.User
	if err := h.DB.WithContext(c).Where("id = ? AND clinic_id = ?", id, auth.PrincipalOf(c).ClinicID).Take(&u).Error; err != nil {
		auth.Audit(c, h.DB, "admin.user.lookup", 0, "user", id, auth.OutcomeDenied)
		return nil, apperr.E(apperr.NotFound, "no such user")
	}
	return &u, nil
}

// unlockUser forgets the user's failed sign-ins, so a throttled account
// works again at once.
func (h *Handler) unlockUser(c *gin.Context) {
	u, err := h.clinicUser(c)
	if err == nil {
		err = auth.Unlock(c, h.DB, u.Email)
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "admin.user.unlock", 0, "user", u.ID, auth.OutcomeOK)
	c.Status(http.StatusNoContent)
}

// resetCode issues a one-time code the user redeems at POST /v1/auth/reset.
func (h *Handler) resetCode(c *gin.Context) {
	u, err := h.clinicUser(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	code, err := h.Auth.IssueResetCode(c, auth.PrincipalOf(c), u.ID)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "admin.user.reset_code", 0, "user", u.ID, auth.OutcomeOK)
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusCreated, code)
}

// endSessions signs the user out everywhere.
func (h *Handler) endSessions(c *gin.Context) {
	u, err := h.clinicUser(c)
	if err == nil {
		err = h.Auth.EndUserSessions(c, u.ID)
	}
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "admin.user.end_sessions", 0, "user", u.ID, auth.OutcomeOK)
	c.Status(http.StatusNoContent)
}

type clinicSecurity struct {
	RequireMFA *bool `json:"require_mfa"`
}

func (r *clinicSecurity) Validate() error {
	if r.RequireMFA == nil {
		return apperr.Validation(apperr.FieldError{Field: "require_mfa", Message: "is required (true or false)"})
	}
	return nil
}

func (h *Handler) clinicSecurity(c *gin.Context) {
	var cl store.Clinic
	if err := h.DB.WithContext(c).Take(&cl, auth.PrincipalOf(c).ClinicID).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"require_mfa": cl.RequireMFA})
}

// setClinicSecurity turns the clinic's MFA requirement on or off: when on,
// physicians and admins without TOTP can only enrol until they do.
func (h *Handler) setClinicSecurity(c *gin.Context) {
	var req clinicSecurity
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	id := auth.PrincipalOf(c).ClinicID
	if err := h.DB.WithContext(c).Model(&store.Clinic{}).Where("id = ?", id).Update("require_mfa", *req.RequireMFA).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "admin.clinic.require_mfa", 0, "clinic", id, auth.OutcomeOK)
	c.JSON(http.StatusOK, gin.H{"require_mfa": *req.RequireMFA})
}
