package auth

import (
	"context"
	"errors"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

var (
	errBadRefresh = apperr.E(apperr.Unauthorized, "the refresh token is not valid or has been revoked; sign in again").WithReason("invalid_refresh_token")
	errReused     = apperr.E(apperr.Unauthorized, "this refresh token was already used; the session has been ended to protect the account, sign in again").WithReason("refresh_token_reused")
	errIdle       = apperr.E(apperr.Unauthorized, "you were signed out after a period without activity; sign in again").WithReason("session_idle")
)

// Refresh exchanges a refresh token for new tokens and rotates it: the old
// refresh token stops working. Presenting a token that was already rotated
// away is treated as theft: the whole session (every token issued for it)
// ends and the event is audited. Errors: Unauthorized.
func (s *Service) Refresh(ctx context.Context, refresh string) (*Tokens, error) {
	return s.RefreshFrom(ctx, refresh, Client{})
}

// RefreshFrom is Refresh with the client's details for the audit trail.
func (s *Service) RefreshFrom(ctx context.Context, refresh string, cl Client) (*Tokens, error) {
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
		if err := s.sessionLive(tx, sess, now); err != nil {
			return err
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
		if err := tx.Create(&store.RefreshHistory{Hash: sess.RefreshHash, SessionID: sess.ID, RotatedAt: now}).Error; err != nil {
			return err
		}
		out, err = s.tokens(ctx, u, sess, next, now)
		return err
	})
	if err == errBadRefresh {
		// Not a current token: if it is one the session rotated away from,
		// someone kept a copy. End the session (outside the failed transaction).
		theft, rerr := s.revokeReused(s.DB.WithContext(ctx), refresh, now)
		if rerr != nil {
			return nil, rerr
		}
		if theft != nil {
			s.auditSession(ctx, cl, theft, "auth.refresh_reuse", OutcomeRefused, "suspected token theft: session ended")
			return nil, errReused
		}
	}
	return out, err
}

// revokeReused ends the session a rotated-away refresh token belonged to.
func (s *Service) revokeReused(tx *gorm.DB, refresh string, now time.Time) (*store.Session, error) {
	var h store.RefreshHistory
	err := tx.Where("hash = ?", hashToken(refresh)).Take(&h).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var sess store.Session
	if err := tx.Take(&sess, "id = ?", h.SessionID).Error; err != nil {
		return nil, err
	}
	return &sess, tx.Model(&store.Session{}).Where("id = ? AND revoked_at IS NULL", sess.ID).Update("revoked_at", now).Error
}

// sessionLive refuses a revoked, expired or (dashboard) idle session; an
// idle one is revoked so it cannot come back.
func (s *Service) sessionLive(tx *gorm.DB, sess store.Session, now time.Time) error {
	if sess.RevokedAt != nil || !now.Before(sess.ExpiresAt) {
		return errRevoked
	}
	if sess.Kind == store.SessionWeb && s.WebIdle > 0 && now.Sub(sess.LastUsedAt) > s.WebIdle {
		tx.Model(&store.Session{}).Where("id = ?", sess.ID).Update("revoked_at", now)
		return errIdle
	}
	return nil
}

func (s *Service) auditSession(ctx context.Context, cl Client, sess *store.Session, action, outcome, detail string) {
	var u store.User
	if s.DB.WithContext(ctx).Take(&u, sess.UserID).Error != nil {
		return
	}
	e := store.AuditEntry{At: s.Clock.Now(), Action: action, Outcome: outcome, Detail: detail, ActorID: &u.ID,
		ClinicID: &u.ClinicID, Role: u.Role, ObjectType: "session", ObjectID: sess.ID[:8],
		RequestID: cl.RequestID, IP: cl.IP, UserAgent: cl.UserAgent}
	Record(ctx, s.DB, e)
}

// Logout revokes the session: its refresh token and every access token issued
// for it stop working at once, and its push tokens are removed.
func (s *Service) Logout(ctx context.Context, p Principal) error {
	return s.endSessions(ctx, "id = ?", p.SessionID)
}

// LogoutAll ends every session of p's user (sign out everywhere).
func (s *Service) LogoutAll(ctx context.Context, p Principal) error {
	return s.endSessions(ctx, "user_id = ?", p.UserID)
}

// EndUserSessions ends every session of userID (an admin's action, or after
// a password change or reset).
func (s *Service) EndUserSessions(ctx context.Context, userID int64) error {
	return s.endSessions(ctx, "user_id = ?", userID)
}

func (s *Service) endSessions(ctx context.Context, where string, arg any) error {
	now := s.Clock.Now()
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ids := tx.Model(&store.Session{}).Select("id").Where(where, arg)
		if err := tx.Where("session_id IN (?)", ids).Delete(&store.PushToken{}).Error; err != nil {
			return err
		}
		return tx.Model(&store.Session{}).Where(where+" AND revoked_at IS NULL", arg).Update("revoked_at", now).Error
	})
}

// Authenticate verifies an access token and that its session is still open
// (not revoked, expired or idle) and its user still enabled; it notes the
// session's activity and any restriction (forced password change, MFA
// enrolment). Errors: Unauthorized.
func (s *Service) Authenticate(ctx context.Context, access string) (Principal, error) {
	p, err := s.parseAccess(access)
	if err != nil {
		return p, err
	}
	var sess store.Session
	err = s.DB.WithContext(ctx).Where("id = ? AND user_id = ?", p.SessionID, p.UserID).Take(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, errRevoked
	} else if err != nil {
		return p, err
	}
	now := s.Clock.Now()
	if err := s.sessionLive(s.DB.WithContext(ctx), sess, now); err != nil {
		return p, err
	}
	var u store.User
	if err := s.DB.WithContext(ctx).Take(&u, p.UserID).Error; err != nil {
		return p, err
	}
	if u.DisabledAt != nil {
		return p, errRevoked
	}
	if now.Sub(sess.LastUsedAt) > 30*time.Second {
		s.DB.WithContext(ctx).Model(&store.Session{}).Where("id = ?", sess.ID).Update("last_used_at", now)
	}
	p.Now = now
	p.Required, err = s.required(ctx, u)
	return p, err
}
