package admin

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/store"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// Accounts is the clinic admin's user actions as plain calls, for the
// dashboard's forms; every call is scoped to one clinic, so another
// clinic's user answers NotFound.
type Accounts struct {
	DB           *gorm.DB
	Clock        clock.Clock
	Auth         *auth.Service // ends sessions the way sign-out does
	PasswordCost int           // 0: production strength (see auth.HashPassword)
}

// NewUser is what the create-user form asks for.
type NewUser struct{ Email, Name, Role string }

// Create adds a user with a generated one-time password, which it returns.
// Errors: Invalid (per field), Conflict (email taken).
func (a Accounts) Create(ctx context.Context, clinicID int64, in NewUser) (*store.User, string, error) {
	req := createUserRequest{Email: strings.TrimSpace(in.Email), Name: strings.TrimSpace(in.Name), Role: in.Role}
	if err := req.Validate(); err != nil {
		return nil, "", err
	}
	pw, hash, err := a.oneTimePassword()
	if err != nil {
		return nil, "", err
	}
	now := a.Clock.Now()
	u := store.User{ClinicID: clinicID, Email: req.Email, Name: req.Name, Role: req.Role, PasswordHash: hash, Locale: req.Locale,
		LockScreenPrivate: true, MustChangePassword: true, CreatedAt: now, UpdatedAt: now}
	if err := a.DB.WithContext(ctx).Create(&u).Error; errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, "", apperr.Validation(apperr.FieldError{Field: "email", Message: "another user already has this email address"})
	} else if err != nil {
		return nil, "", err
	}
	return &u, pw, nil
}

func (a Accounts) oneTimePassword() (string, string, error) {
	b := make([]byte, 12)
	rand.Read(b)
	pw := base64.RawURLEncoding.EncodeToString(b)
	cost := a.PasswordCost
	if cost == 0 {
		cost = bcrypt.DefaultCost // auth.HashPassword reads a low cost as "test strength"
	}
	hash, err := auth.HashPassword(pw, cost)
	return pw, hash, err
}

// ResetPassword gives the user a one-time password they must change at
// their next sign-in, forgets failed sign-ins and ends every session
// (whoever held the old password is signed out). Errors: NotFound.
func (a Accounts) ResetPassword(ctx context.Context, clinicID, userID int64) (string, error) {
	pw, hash, err := a.oneTimePassword()
	if err != nil {
		return "", err
	}
	err = a.update(ctx, clinicID, userID, true, map[string]any{"password_hash": hash, "must_change_password": true})
	if err == nil {
		err = a.Unlock(ctx, clinicID, userID)
	}
	return pw, err
}

// Unlock forgets the user's failed sign-ins, so a throttled account works
// again at once. Errors: NotFound.
func (a Accounts) Unlock(ctx context.Context, clinicID, userID int64) error {
	var u store.User
	err := a.DB.WithContext(ctx).Where("id = ? AND clinic_id = ?", userID, clinicID).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.E(apperr.NotFound, "no such user")
	} else if err != nil {
		return err
	}
	return auth.Unlock(ctx, a.DB, u.Email)
}

// RequireMFA turns the clinic's two-step sign-in requirement on or off:
// when on, physicians and admins without an authenticator must enrol first.
func (a Accounts) RequireMFA(ctx context.Context, clinicID int64, on bool) error {
	return a.DB.WithContext(ctx).Model(&store.Clinic{}).Where("id = ?", clinicID).Update("require_mfa", on).Error
}

// SetDisabled disables (ending every session) or re-enables a user; an
// admin cannot disable their own account. Errors: NotFound, Conflict.
func (a Accounts) SetDisabled(ctx context.Context, clinicID, actorID, userID int64, disabled bool) error {
	if disabled && actorID == userID {
		return apperr.E(apperr.Conflict, "you cannot disable your own account")
	}
	var at any
	if disabled {
		at = a.Clock.Now()
	}
	return a.update(ctx, clinicID, userID, disabled, map[string]any{"disabled_at": at})
}

// update changes one user of the clinic, then ends their sessions when asked.
func (a Accounts) update(ctx context.Context, clinicID, userID int64, endSessions bool, cols map[string]any) error {
	cols["updated_at"] = a.Clock.Now()
	res := a.DB.WithContext(ctx).Model(&store.User{}).Where("id = ? AND clinic_id = ?", userID, clinicID).Updates(cols)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return apperr.E(apperr.NotFound, "no such user")
	}
	if endSessions {
		return a.Auth.EndUserSessions(ctx, userID)
	}
	return nil
}
