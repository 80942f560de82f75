package admin

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

type createUserRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
	Locale   string `json:"locale"`
}

func (r *createUserRequest) Validate() error {
	var f []apperr.FieldError
	if !strings.Contains(r.Email, "@") || len(r.Email) > 254 {
		f = append(f, apperr.FieldError{Field: "email", Message: "must be an email address"})
	}
	if strings.TrimSpace(r.Name) == "" || utf8.RuneCountInString(r.Name) > MaxNameLen || !cleanText(r.Name) {
		f = append(f, apperr.FieldError{Field: "name", Message: "is required: up to 200 characters of text"})
	}
	switch r.Role {
	case store.RoleAdmin, store.RolePhysician, store.RoleCaregiver, store.RolePatient:
	default:
		f = append(f, apperr.FieldError{Field: "role", Message: "must be admin, physician, caregiver or patient"})
	}
	if r.Password != "" {
		if err := auth.CheckPassword("password", r.Password, r.Email); err != nil {
			f = append(f, err.(*apperr.Error).Fields...)
		}
	}
	if r.Locale == "" {
		r.Locale = "en"
	} else if r.Locale != "en" && r.Locale != "es" {
		f = append(f, apperr.FieldError{Field: "locale", Message: "must be en or es"})
	}
	if len(f) > 0 {
		return apperr.Validation(f...)
	}
	return nil
}

type createdUser struct {
	auth.UserView
	// OneTimePassword is set only when the server generated the password.
	OneTimePassword string `json:"one_time_password,omitempty"`
}

func (h *Handler) listUsers(c *gin.Context) {
	p := auth.PrincipalOf(c)
	page, err := httpx.ParsePage(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	after, _ := strconv.ParseInt(page.Cursor, 10, 64)
	q := h.DB.WithContext(c).Where("clinic_id = ? AND id > ?", p.ClinicID, after).Order("id").Limit(page.Limit + 1)
	if role := c.Query("role"); role != "" {
		q = q.Where("role = ?", role)
	}
	var users []store.User
	if err := q.Find(&users).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	out := httpx.List[auth.UserView]{Items: []auth.UserView{}}
	users, out.NextCursor = httpx.Trim(users, page, func(u store.User) string { return strconv.FormatInt(u.ID, 10) })
	for _, u := range users {
		out.Items = append(out.Items, auth.ViewOf(u))
	}
	auth.Audit(c, h.DB, "admin.users.list", 0, "user", 0, auth.OutcomeOK)
	c.JSON(http.StatusOK, out)
}

func (h *Handler) createUser(c *gin.Context) {
	var req createUserRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	u, generated, err := h.insertUser(c, h.DB, req)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "admin.user.create", 0, "user", u.ID, auth.OutcomeOK)
	c.JSON(http.StatusCreated, createdUser{UserView: auth.ViewOf(*u), OneTimePassword: generated})
}

// insertUser creates a user in the admin's clinic; a missing password is generated.
func (h *Handler) insertUser(c *gin.Context, tx *gorm.DB, req createUserRequest) (*store.User, string, error) {
	generated := ""
	if req.Password == "" {
		b := make([]byte, 12)
		rand.Read(b)
		req.Password = base64.RawURLEncoding.EncodeToString(b)
		generated = req.Password
	}
	hash, err := auth.HashPassword(req.Password, h.PasswordCost)
	if err != nil {
		return nil, "", err
	}
	now := h.Clock.Now()
	u := store.User{ClinicID: auth.PrincipalOf(c).ClinicID, Email: strings.TrimSpace(req.Email), Name: strings.TrimSpace(req.Name),
		Role: req.Role, PasswordHash: hash, Locale: req.Locale, LockScreenPrivate: true, CreatedAt: now, UpdatedAt: now,
		MustChangePassword: generated != ""}
	if err := tx.WithContext(c).Create(&u).Error; errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, "", apperr.E(apperr.Conflict, "a user with email %s already exists", u.Email)
	} else if err != nil {
		return nil, "", err
	}
	return &u, generated, nil
}

func (h *Handler) disableUser(c *gin.Context) {
	p := auth.PrincipalOf(c)
	id, err := idParam(c, "id")
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if id == p.UserID {
		httpx.Fail(c, apperr.E(apperr.Conflict, "you cannot disable your own account"))
		return
	}
	now := h.Clock.Now()
	err = h.DB.WithContext(c).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&store.User{}).Where("id = ? AND clinic_id = ?", id, p.ClinicID).Update("disabled_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.E(apperr.NotFound, "no such user")
		}
		return tx.Model(&store.Session{}).Where("user_id = ? AND revoked_at IS NULL", id).Update("revoked_at", now).Error
	})
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "admin.user.disable", 0, "user", id, auth.OutcomeOK)
	c.Status(http.StatusNoContent)
}
