package web

import (
	"errors"
	"net/http"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// accountData is what the password and two-step pages show.
type accountData struct {
	Required      string // what the user must do first, if anything
	Error, Notice string
	MFAEnabled    bool
	Setup         *auth.TOTPSetup
	RecoveryCodes []string
}

func (h *Handler) accountData(c *gin.Context) accountData {
	p := auth.PrincipalOf(c)
	var u store.User
	h.DB.WithContext(c).Take(&u, p.UserID)
	return accountData{Required: p.Required, MFAEnabled: u.TOTPEnabledAt != nil}
}

func (h *Handler) passwordPage(c *gin.Context) {
	h.render(c, http.StatusOK, "password", page{Title: "Change password", Nav: "account", Data: h.accountData(c)})
}

// changePassword changes the signed-in user's password; every other session
// of the user ends.
func (h *Handler) changePassword(c *gin.Context) {
	d := h.accountData(c)
	status := http.StatusOK
	if c.PostForm("new_password") != c.PostForm("confirm_password") {
		d.Error, status = "The new password and its confirmation differ.", http.StatusBadRequest
	} else if err := h.Auth.ChangePassword(c, auth.PrincipalOf(c), auth.ClientOf(c), c.PostForm("current_password"), c.PostForm("new_password")); err != nil {
		d.Error, status = fieldMessage(err), http.StatusBadRequest
	} else {
		d.Required, d.Notice = "", "Your password was changed. You were signed out on every other device."
	}
	if d.Required == "" && d.Error == "" {
		if next := h.accountData(c); next.Required == auth.RequiredMFAEnrolment {
			c.Redirect(http.StatusSeeOther, "/web/mfa")
			return
		}
	}
	h.render(c, status, "password", page{Title: "Change password", Nav: "account", Data: d})
}

func (h *Handler) mfaPage(c *gin.Context) {
	h.render(c, http.StatusOK, "mfa", page{Title: "Two-step sign-in", Nav: "account", Data: h.accountData(c)})
}

// startMFA creates a new authenticator secret and shows it for the app.
func (h *Handler) startMFA(c *gin.Context) {
	d := h.accountData(c)
	setup, err := h.Auth.StartTOTP(c, auth.PrincipalOf(c))
	if err != nil {
		d.Error = fieldMessage(err)
	}
	d.Setup = setup
	auth.Audit(c, h.DB, "auth.mfa_setup", 0, "", 0, auth.OutcomeOK)
	h.render(c, http.StatusOK, "mfa", page{Title: "Two-step sign-in", Nav: "account", Data: d})
}

// enableMFA confirms enrolment with a code and shows the recovery codes once.
func (h *Handler) enableMFA(c *gin.Context) {
	codes, err := h.Auth.EnableTOTP(c, auth.PrincipalOf(c), c.PostForm("code"))
	d := h.accountData(c)
	status := http.StatusOK
	if err != nil {
		auth.Audit(c, h.DB, "auth.mfa_enable", 0, "", 0, auth.OutcomeFailed)
		d.Error, status = fieldMessage(err)+" Start again: set up a new secret.", http.StatusBadRequest
	} else {
		auth.Audit(c, h.DB, "auth.mfa_enable", 0, "", 0, auth.OutcomeOK)
		d.RecoveryCodes, d.Notice = codes, "Two-step sign-in is on."
	}
	h.render(c, status, "mfa", page{Title: "Two-step sign-in", Nav: "account", Data: d})
}

// fieldMessage turns a domain error into one sentence for a page.
func fieldMessage(err error) string {
	var e *apperr.Error
	if !errors.As(err, &e) {
		return "Something went wrong on our side; it has been logged."
	}
	if len(e.Fields) > 0 {
		return labels[e.Fields[0].Field] + " " + e.Fields[0].Message + "."
	}
	return e.Message + "."
}

var labels = map[string]string{"current_password": "Current password:", "new_password": "New password:", "code": "The code"}
