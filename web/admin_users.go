package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/doseloop/doseloop/admin"
	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// usersData is the users page: the clinic's accounts, the create form and
// the outcome of the last action (a one-time password is shown only once).
type usersData struct {
	Users      []userRow
	RequireMFA bool
	Form       admin.NewUser
	Errors     map[string]string
	Notice     string
	Password   string
	Roles      []string
}

type userRow struct {
	store.User
	Self bool
}

func (h *Handler) accounts() admin.Accounts {
	return admin.Accounts{DB: h.DB, Clock: h.Clock, Auth: h.Auth, PasswordCost: h.PasswordCost}
}

func (h *Handler) adminUsers(c *gin.Context) {
	h.showUsers(c, http.StatusOK, usersData{Form: admin.NewUser{Role: ""}})
}

func (h *Handler) showUsers(c *gin.Context, status int, d usersData) {
	pr := auth.PrincipalOf(c)
	var users []store.User
	if err := h.DB.WithContext(c.Request.Context()).Where("clinic_id = ?", pr.ClinicID).Order("role, name").Find(&users).Error; err != nil {
		h.fail(c, err)
		return
	}
	for _, u := range users {
		d.Users = append(d.Users, userRow{User: u, Self: u.ID == pr.UserID})
	}
	if err := h.DB.WithContext(c.Request.Context()).Model(&store.Clinic{}).Where("id = ?", pr.ClinicID).Pluck("require_mfa", &d.RequireMFA).Error; err != nil {
		h.fail(c, err)
		return
	}
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	d.Roles = []string{store.RolePhysician, store.RoleAdmin, store.RoleCaregiver, store.RolePatient}
	auth.Audit(c, h.DB, "web.admin.users", 0, "", 0, auth.OutcomeOK)
	h.render(c, status, "admin_users", page{Title: "Users", Nav: "users", Data: d})
}

// createUser adds an account and shows its one-time password once.
func (h *Handler) createUser(c *gin.Context) {
	in := admin.NewUser{Email: c.PostForm("email"), Name: c.PostForm("name"), Role: c.PostForm("role")}
	u, pw, err := h.accounts().Create(c.Request.Context(), auth.PrincipalOf(c).ClinicID, in)
	if err != nil {
		d := usersData{Form: in, Errors: fieldErrors(err, userFieldText)}
		if len(d.Errors) == 0 {
			h.fail(c, err)
			return
		}
		auth.Audit(c, h.DB, "web.admin.user.create", 0, "user", 0, auth.OutcomeRefused)
		h.showUsers(c, http.StatusBadRequest, d)
		return
	}
	auth.Audit(c, h.DB, "web.admin.user.create", 0, "user", u.ID, auth.OutcomeOK)
	h.showUsers(c, http.StatusOK, usersData{Notice: "Created " + u.Name + " (" + u.Email + "). Give them this one-time password; it is not shown again:", Password: pw})
}

// userAction runs one action on the :uid user of the admin's clinic.
func (h *Handler) userAction(c *gin.Context) {
	pr, ctx := auth.PrincipalOf(c), c.Request.Context()
	uid, _ := strconv.ParseInt(c.Param("uid"), 10, 64)
	acc, d := h.accounts(), usersData{}
	var err error
	switch action := c.Param("action"); action {
	case "reset-password":
		d.Password, err = acc.ResetPassword(ctx, pr.ClinicID, uid)
		d.Notice = "Password reset; every session of this user has ended. Give them this one-time password (they choose their own at the next sign-in); it is not shown again:"
	case "unlock":
		err, d.Notice = acc.Unlock(ctx, pr.ClinicID, uid), "Failed sign-ins forgotten: the user may sign in again at once."
	case "disable", "enable":
		err = acc.SetDisabled(ctx, pr.ClinicID, pr.UserID, uid, action == "disable")
		d.Notice = "User " + action + "d."
	default:
		err = apperr.E(apperr.NotFound, "no such action")
	}
	outcome := auth.OutcomeOK
	if err != nil {
		outcome = auth.OutcomeRefused
	}
	auth.Audit(c, h.DB, "web.admin.user."+c.Param("action"), 0, "user", uid, outcome)
	if err != nil {
		h.fail(c, err)
		return
	}
	h.showUsers(c, http.StatusOK, d)
}

// userFieldText says in plain words what each create-user field needs.
var userFieldText = map[string]string{"email": "Enter an email address, such as ana@clinic.org.",
	"name": "Enter the person's name.", "role": "Choose a role."}

// fieldErrors maps a validation error's fields to messages (plain[field]
// for a terse "must be…" one); empty for any other error.
func fieldErrors(err error, plain map[string]string) map[string]string {
	out := map[string]string{}
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Code == apperr.Invalid {
		for _, f := range ae.Fields {
			out[f.Field] = f.Message
			if p, ok := plain[f.Field]; ok && (strings.HasPrefix(f.Message, "must") || strings.HasPrefix(f.Message, "is ")) {
				out[f.Field] = p
			}
		}
	}
	return out
}

// requireMFA turns the clinic's two-step sign-in requirement on or off.
func (h *Handler) requireMFA(c *gin.Context) {
	on := c.PostForm("require_mfa") == "on"
	clinic := auth.PrincipalOf(c).ClinicID
	if err := h.accounts().RequireMFA(c.Request.Context(), clinic, on); err != nil {
		h.fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "web.admin.clinic.require_mfa", 0, "clinic", clinic, auth.OutcomeOK)
	msg := "Two-step sign-in is now optional."
	if on {
		msg = "Two-step sign-in is now required: physicians and admins without an authenticator enrol at their next sign-in."
	}
	h.showUsers(c, http.StatusOK, usersData{Notice: msg})
}
