package auth

import (
	"context"
	"errors"
	"strings"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// ChangePassword sets a new password after checking the current one, ends
// every other session of the user, and lifts a forced change.
// Errors: Invalid (policy, or the current password is wrong).
func (s *Service) ChangePassword(ctx context.Context, p Principal, cl Client, current, next string) error {
	var u store.User
	if err := s.DB.WithContext(ctx).Take(&u, p.UserID).Error; err != nil {
		return err
	}
	if ok, _ := checkPassword(u.PasswordHash, current); !ok {
		s.audit(ctx, cl, &u, "auth.password_change", OutcomeFailed, "bad_current_password")
		return apperr.Validation(apperr.FieldError{Field: "current_password", Message: "is not your current password"})
	}
	if current == next {
		return apperr.Validation(apperr.FieldError{Field: "new_password", Message: "must differ from the current password"})
	}
	if err := s.setPassword(ctx, u, next, p.SessionID); err != nil {
		return err
	}
	s.audit(ctx, cl, &u, "auth.password_change", OutcomeOK, "")
	return nil
}

// setPassword checks the policy, stores the new hash and ends every session
// of the user except keep (empty: all of them).
func (s *Service) setPassword(ctx context.Context, u store.User, pw, keep string) error {
	if err := CheckPassword("new_password", pw, u.Email); err != nil {
		return err
	}
	hash, err := HashPassword(pw, s.PasswordCost)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&u).Updates(map[string]any{"password_hash": hash, "must_change_password": false, "updated_at": now}).Error; err != nil {
			return err
		}
		return tx.Model(&store.Session{}).Where("user_id = ? AND id <> ? AND revoked_at IS NULL", u.ID, keep).
			Update("revoked_at", now).Error
	})
}

// ResetCode is a one-time code an admin hands a user who forgot a password.
type ResetCode struct {
	Code      string `json:"code"`
	ExpiresAt string `json:"expires_at"`
}

// IssueResetCode creates a one-time reset code for userID (invalidating
// earlier unused ones). The caller checks the admin may manage the user.
func (s *Service) IssueResetCode(ctx context.Context, admin Principal, userID int64) (*ResetCode, error) {
	now := s.Clock.Now()
	code := randomCode(4) + "-" + randomCode(4) + "-" + randomCode(4)
	exp := now.Add(s.ResetCodeTTL)
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&store.ResetCode{}).Where("user_id = ? AND used_at IS NULL", userID).Update("used_at", now).Error; err != nil {
			return err
		}
		return tx.Create(&store.ResetCode{UserID: userID, CodeHash: hashToken(code), CreatedBy: admin.UserID,
			CreatedAt: now, ExpiresAt: exp}).Error
	})
	return &ResetCode{Code: code, ExpiresAt: exp.UTC().Format("2006-01-02T15:04:05Z")}, err
}

var errBadReset = apperr.E(apperr.Unauthorized, "the email or reset code is wrong, or the code has expired or was already used").WithReason("bad_reset_code")

// ResetPassword sets a new password with a one-time code, ends every
// session of the user and uses the code up. It is throttled like sign-in.
// Errors: Unauthorized, Invalid (policy), RateLimited.
func (s *Service) ResetPassword(ctx context.Context, cl Client, email, code, next string) error {
	now := s.Clock.Now()
	if err := s.Throttle.check(ctx, s.DB, email, cl.IP, now); err != nil {
		return err
	}
	u, err := s.findUser(ctx, email)
	if err != nil {
		return err
	}
	var rc store.ResetCode
	err = s.DB.WithContext(ctx).Where("user_id = ? AND code_hash = ? AND used_at IS NULL AND expires_at > ?",
		u.ID, hashToken(strings.TrimSpace(strings.ToLower(code))), now).Take(&rc).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || u.ID == 0 || u.DisabledAt != nil {
		s.Throttle.fail(ctx, s.DB, email, cl.IP, now)
		s.audit(ctx, cl, u, "auth.password_reset", OutcomeFailed, "bad_code")
		return errBadReset
	} else if err != nil {
		return err
	}
	if err := s.setPassword(ctx, *u, next, ""); err != nil {
		return err
	}
	s.DB.WithContext(ctx).Model(&rc).Update("used_at", now)
	s.audit(ctx, cl, u, "auth.password_reset", OutcomeOK, "")
	return nil
}
