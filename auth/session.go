package auth

import (
	"context"
	"errors"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

var errBadRefresh = apperr.E(apperr.Unauthorized, "the refresh token is not valid or has been revoked; sign in again").WithReason("invalid_refresh_token")

// Refresh exchanges a refresh token for new tokens and rotates it: the old
// refresh token stops working. Errors: Unauthorized.
func (s *Service) Refresh(ctx context.Context, refresh string) (*Tokens, error) {
	now := s.Clock.Now()
	var out *Tokens
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var sess store.Session
		err := tx.Where("refresh_hash = ?", hashToken(refresh)).Take(&sess).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return errBadRefresh
		} else if err != nil {
			return err
		}
		if sess.RevokedAt != nil || !now.Before(sess.ExpiresAt) {
			return errBadRefresh
		}
		var u store.User
		if err := tx.Take(&u, sess.UserID).Error; err != nil {
			return err
		}
		if u.DisabledAt != nil {
			return errBadRefresh
		}
		next, hash := newOpaque()
		// The WHERE on the old hash makes two concurrent refreshes of one token
		// race safely: only one rotates it.
		res := tx.Model(&store.Session{}).Where("id = ? AND refresh_hash = ?", sess.ID, sess.RefreshHash).
			Updates(map[string]any{"refresh_hash": hash, "last_used_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errBadRefresh
		}
		out, err = s.tokens(u, sess, next, now)
		return err
	})
	return out, err
}

// Logout revokes the session: its refresh token and every access token issued
// for it stop working at once, and its push tokens are removed.
func (s *Service) Logout(ctx context.Context, p Principal) error {
	now := s.Clock.Now()
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&store.Session{}).Where("id = ? AND revoked_at IS NULL", p.SessionID).
			Update("revoked_at", now).Error; err != nil {
			return err
		}
		return tx.Where("session_id = ?", p.SessionID).Delete(&store.PushToken{}).Error
	})
}

// Authenticate verifies an access token and that its session is still open
// and its user still enabled. Errors: Unauthorized.
func (s *Service) Authenticate(ctx context.Context, access string) (Principal, error) {
	p, err := s.parseAccess(access)
	if err != nil {
		return p, err
	}
	var row struct {
		RevokedAt  *time.Time
		DisabledAt *time.Time
	}
	err = s.DB.WithContext(ctx).Table("sessions").Select("sessions.revoked_at, users.disabled_at").
		Joins("JOIN users ON users.id = sessions.user_id").
		Where("sessions.id = ? AND sessions.user_id = ?", p.SessionID, p.UserID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, errRevoked
	} else if err != nil {
		return p, err
	}
	if row.RevokedAt != nil || row.DisabledAt != nil {
		return p, errRevoked
	}
	return p, nil
}
