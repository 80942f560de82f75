package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// Service signs people in and out and authenticates requests.
type Service struct {
	DB         *gorm.DB
	Clock      clock.Clock
	Secret     []byte        // HMAC key for access tokens
	AccessTTL  time.Duration // default 15 min
	RefreshTTL time.Duration // default 30 days
	// MaxFailures wrong passwords in a row lock the account for LockFor.
	MaxFailures int
	LockFor     time.Duration
}

// NewService returns a Service with the production defaults.
func NewService(db *gorm.DB, clk clock.Clock, secret []byte) *Service {
	return &Service{DB: db, Clock: clk, Secret: secret, AccessTTL: 15 * time.Minute,
		RefreshTTL: 30 * 24 * time.Hour, MaxFailures: 5, LockFor: 15 * time.Minute}
}

// Tokens is what a successful login or refresh returns.
type Tokens struct {
	AccessToken      string    `json:"access_token"`
	AccessExpiresAt  time.Time `json:"access_expires_at"`
	RefreshToken     string    `json:"refresh_token"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at"`
	TokenType        string    `json:"token_type"`
	User             UserView  `json:"user"`
}

// UserView is the public face of a user.
type UserView struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	ClinicID int64  `json:"clinic_id"`
	Locale   string `json:"locale"`
}

// ViewOf returns the public face of u.
func ViewOf(u store.User) UserView {
	return UserView{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, ClinicID: u.ClinicID, Locale: u.Locale}
}

var errWrongLogin = apperr.E(apperr.Unauthorized, "email or password is wrong").WithReason("bad_credentials")

// Login checks email and password and opens a session.
// Errors: Unauthorized (wrong credentials, disabled), RateLimited (locked out).
func (s *Service) Login(ctx context.Context, email, password, userAgent string) (*Tokens, error) {
	now := s.Clock.Now()
	var u store.User
	err := s.DB.WithContext(ctx).Where("lower(email) = ?", strings.ToLower(strings.TrimSpace(email))).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		checkPassword("", password)
		return nil, errWrongLogin
	} else if err != nil {
		return nil, err
	}
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		return nil, apperr.E(apperr.RateLimited, "too many failed sign-ins; try again after %s", u.LockedUntil.Format(time.RFC3339)).
			WithReason("locked_out").With("locked_until", u.LockedUntil)
	}
	if !checkPassword(u.PasswordHash, password) {
		return nil, s.recordFailure(ctx, u, now)
	}
	if u.DisabledAt != nil {
		return nil, apperr.E(apperr.Unauthorized, "this account is disabled").WithReason("disabled")
	}
	if err := s.DB.WithContext(ctx).Model(&u).Updates(map[string]any{"failed_logins": 0, "locked_until": nil}).Error; err != nil {
		return nil, err
	}
	return s.openSession(ctx, u, userAgent, now)
}

func (s *Service) recordFailure(ctx context.Context, u store.User, now time.Time) error {
	fails := u.FailedLogins + 1
	upd := map[string]any{"failed_logins": fails}
	if fails >= s.MaxFailures {
		upd["locked_until"] = now.Add(s.LockFor)
		upd["failed_logins"] = 0
	}
	if err := s.DB.WithContext(ctx).Model(&u).Updates(upd).Error; err != nil {
		return err
	}
	return errWrongLogin
}

func (s *Service) openSession(ctx context.Context, u store.User, userAgent string, now time.Time) (*Tokens, error) {
	refresh, hash := newOpaque()
	sess := store.Session{ID: newSessionID(), UserID: u.ID, RefreshHash: hash, UserAgent: truncate(userAgent, 200),
		CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(s.RefreshTTL)}
	if err := s.DB.WithContext(ctx).Create(&sess).Error; err != nil {
		return nil, err
	}
	return s.tokens(u, sess, refresh, now)
}

func (s *Service) tokens(u store.User, sess store.Session, refresh string, now time.Time) (*Tokens, error) {
	p := Principal{UserID: u.ID, SessionID: sess.ID, Role: u.Role, ClinicID: u.ClinicID}
	access, exp, err := s.signAccess(p, now)
	if err != nil {
		return nil, err
	}
	return &Tokens{AccessToken: access, AccessExpiresAt: exp, RefreshToken: refresh,
		RefreshExpiresAt: sess.ExpiresAt, TokenType: "Bearer", User: ViewOf(u)}, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
