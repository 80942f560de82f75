package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/store"
	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"
)

// Service signs people in and out and authenticates requests.
type Service struct {
	DB         *gorm.DB
	Clock      clock.Clock
	Secret     []byte        // HMAC key for access tokens
	AccessTTL  time.Duration // default 15 min
	RefreshTTL time.Duration // default 30 days
	// WebIdle ends a dashboard session after this long without a request;
	// WebMax ends it this long after sign-in, whatever happens.
	WebIdle, WebMax time.Duration
	Throttle        Throttle
	// PasswordCost selects argon2id parameters (bcrypt.MinCost: cheap, for tests).
	PasswordCost int
	// ResetCodeTTL is how long an admin-issued reset code works.
	ResetCodeTTL time.Duration
	// BreakGlassTTL is how long a physician's emergency access lasts.
	BreakGlassTTL time.Duration
}

// NewService returns a Service with the production defaults.
func NewService(db *gorm.DB, clk clock.Clock, secret []byte) *Service {
	return &Service{DB: db, Clock: clk, Secret: secret, AccessTTL: 15 * time.Minute,
		RefreshTTL: 30 * 24 * time.Hour, WebIdle: 15 * time.Minute, WebMax: 12 * time.Hour,
		Throttle: DefaultThrottle, PasswordCost: bcrypt.DefaultCost, ResetCodeTTL: 24 * time.Hour, BreakGlassTTL: 4 * time.Hour}
}

// Tokens is what a successful login or refresh returns.
type Tokens struct {
	AccessToken      string    `json:"access_token"`
	AccessExpiresAt  time.Time `json:"access_expires_at"`
	RefreshToken     string    `json:"refresh_token"`
	RefreshExpiresAt time.Time `json:"refresh_expires_at"`
	TokenType        string    `json:"token_type"`
	User             UserView  `json:"user"`
	// Required names what the user must do before anything else works:
	// "password_change" or "mfa_enrolment"; empty when nothing.
	Required string `json:"required,omitempty"`
}

// UserView is the public face of a user.
type UserView struct {
	ID         int64  `json:"id"`
	Email      string `json:"email"`
	Name       string `json:"name"`
	Role       string `json:"role"`
	ClinicID   int64  `json:"clinic_id"`
	Locale     string `json:"locale"`
	MFAEnabled bool   `json:"mfa_enabled"`
}

// ViewOf returns the public face of u.
func ViewOf(u store.User) UserView {
	return UserView{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, ClinicID: u.ClinicID, Locale: u.Locale,
		MFAEnabled: u.TOTPEnabledAt != nil}
}

var errWrongLogin = apperr.E(apperr.Unauthorized, "email or password is wrong").WithReason("bad_credentials")

// Attempt is one sign-in.
type Attempt struct {
	Email, Password string
	// Code is a TOTP code or a recovery code, for accounts with MFA.
	Code   string
	Client Client
	Web    bool // a dashboard session (idle timeout and absolute lifetime apply)
}

// Login signs in an API client (kept for callers without client details).
func (s *Service) Login(ctx context.Context, email, password, userAgent string) (*Tokens, error) {
	return s.SignIn(ctx, Attempt{Email: email, Password: password, Client: Client{UserAgent: userAgent}})
}

// SignIn checks the throttle, the password and (when enrolled) the second
// factor, and opens a session. Every outcome is audited.
// Errors: Unauthorized (wrong credentials, disabled, MFA code needed or
// wrong), RateLimited (throttled; "retry_after" seconds).
func (s *Service) SignIn(ctx context.Context, a Attempt) (*Tokens, error) {
	now := s.Clock.Now()
	if err := s.Throttle.check(ctx, s.DB, a.Email, a.Client.IP, now); err != nil {
		s.audit(ctx, a.Client, nil, "auth.login_throttled", OutcomeRefused, "")
		return nil, err
	}
	u, err := s.findUser(ctx, a.Email)
	if err != nil {
		return nil, err
	}
	ok, rehash := checkPassword(u.PasswordHash, a.Password)
	if !ok {
		return nil, s.failed(ctx, a, u, now, "bad_password")
	}
	if u.DisabledAt != nil {
		s.audit(ctx, a.Client, u, "auth.login_failed", OutcomeRefused, "disabled")
		return nil, apperr.E(apperr.Unauthorized, "this account is disabled").WithReason("disabled")
	}
	if err := s.secondFactor(ctx, a, u, now); err != nil {
		return nil, err
	}
	if err := s.Throttle.succeed(ctx, s.DB, a.Email, a.Client.IP); err != nil {
		return nil, err
	}
	if rehash {
		s.rehash(ctx, u, a.Password)
	}
	tok, err := s.openSession(ctx, *u, a, now)
	if err == nil {
		s.audit(ctx, a.Client, u, "auth.login", OutcomeOK, "")
	}
	return tok, err
}

// findUser returns the account for email, or an empty user (no hash) when
// there is none, so the rest of SignIn runs the same way for both.
func (s *Service) findUser(ctx context.Context, email string) (*store.User, error) {
	var u store.User
	err := s.DB.WithContext(ctx).Where("lower(email) = ?", strings.ToLower(strings.TrimSpace(email))).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &store.User{}, nil
	}
	return &u, err
}

func (s *Service) failed(ctx context.Context, a Attempt, u *store.User, now time.Time, why string) error {
	if err := s.Throttle.fail(ctx, s.DB, a.Email, a.Client.IP, now); err != nil {
		return err
	}
	s.audit(ctx, a.Client, u, "auth.login_failed", OutcomeFailed, why)
	if why == "bad_mfa_code" {
		return errBadCode
	}
	return errWrongLogin
}

func (s *Service) rehash(ctx context.Context, u *store.User, pw string) {
	if h, err := HashPassword(pw, s.PasswordCost); err == nil {
		s.DB.WithContext(ctx).Model(&store.User{}).Where("id = ? AND password_hash = ?", u.ID, u.PasswordHash).
			Update("password_hash", h)
	}
}

// audit records a sign-in event under the account's clinic (chain 0 for an
// unknown email, whose address is never stored).
func (s *Service) audit(ctx context.Context, cl Client, u *store.User, action, outcome, detail string) {
	e := store.AuditEntry{At: s.Clock.Now(), Action: action, Outcome: outcome, Detail: detail,
		RequestID: cl.RequestID, IP: cl.IP, UserAgent: cl.UserAgent}
	if u != nil && u.ID != 0 {
		e.ActorID, e.ClinicID, e.Role, e.ObjectType, e.ObjectID = &u.ID, &u.ClinicID, u.Role, "user", itoa(u.ID)
	}
	Record(ctx, s.DB, e)
}

func (s *Service) openSession(ctx context.Context, u store.User, a Attempt, now time.Time) (*Tokens, error) {
	refresh, hash := newOpaque()
	sess := store.Session{ID: newSessionID(), UserID: u.ID, RefreshHash: hash, UserAgent: truncate(a.Client.UserAgent, 200),
		IP: a.Client.IP, Kind: store.SessionAPI, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(s.RefreshTTL)}
	if a.Web {
		sess.Kind, sess.ExpiresAt = store.SessionWeb, now.Add(min(s.RefreshTTL, s.WebMax))
	}
	if err := s.DB.WithContext(ctx).Create(&sess).Error; err != nil {
		return nil, err
	}
	return s.tokens(ctx, u, sess, refresh, now)
}

func (s *Service) tokens(ctx context.Context, u store.User, sess store.Session, refresh string, now time.Time) (*Tokens, error) {
	p := Principal{UserID: u.ID, SessionID: sess.ID, Role: u.Role, ClinicID: u.ClinicID}
	access, exp, err := s.signAccess(p, now)
	if err != nil {
		return nil, err
	}
	req, err := s.required(ctx, u)
	return &Tokens{AccessToken: access, AccessExpiresAt: exp, RefreshToken: refresh,
		RefreshExpiresAt: sess.ExpiresAt, TokenType: "Bearer", User: ViewOf(u), Required: req}, err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
