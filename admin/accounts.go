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
	"gorm.io/gorm"
)

// Accounts is the clinic admin's user actions as plain calls, for the
// dashboard's forms; every call is scoped to one clinic, so another
// clinic's user answers NotFound.
type Accounts struct {
	DB           *gorm.DB
	Clock        clock.Clock
	PasswordCost int // 0: bcrypt's default
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
		LockScreenPrivate: true, CreatedAt: now, UpdatedAt: now}
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
	hash, err := auth.HashPassword(pw, a.PasswordCost)
	return pw, hash, err
}

// ResetPassword gives the user a new one-time password, clears a lockout
// and ends every session (whoever held the old password is signed out).
// Errors: NotFound.
func (a Accounts) ResetPassword(ctx context.Context, clinicID, userID int64) (string, error) {
	pw, hash, err := a.oneTimePassword()
	if err != nil {
		return "", err
	}
	return pw, a.update(ctx, clinicID, userID, true, map[string]any{"password_hash": hash, "failed_logins": 0, "locked_until": nil})
}

// Unlock ends a lockout after too many wrong passwords. Errors: NotFound.
func (a Accounts) Unlock(ctx context.Context, clinicID, userID int64) error {
	return a.update(ctx, clinicID, userID, false, map[string]any{"failed_logins": 0, "locked_until": nil})
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

// update changes one user of the clinic, ending their sessions when asked, in one transaction.
func (a Accounts) update(ctx context.Context, clinicID, userID int64, endSessions bool, cols map[string]any) error {
	now := a.Clock.Now()
	cols["updated_at"] = now
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&store.User{}).Where("id = ? AND clinic_id = ?", userID, clinicID).Updates(cols)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return apperr.E(apperr.NotFound, "no such user")
		}
		if !endSessions {
			return nil
		}
		return tx.Model(&store.Session{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error
	})
}
