package auth

import (
	"context"
	"crypto/rand"
	"strconv"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"
)

// RecoveryCodeCount is how many single-use recovery codes enrolment gives.
const RecoveryCodeCount = 10

var (
	errMFARequired = apperr.E(apperr.Unauthorized, "this account uses two-step sign-in: send the 6-digit code from the authenticator app (or a recovery code) as \"code\"").WithReason("mfa_required")
	errBadCode     = apperr.E(apperr.Unauthorized, "the two-step code is wrong or has expired").WithReason("mfa_invalid")
)

var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// secondFactor checks the TOTP or recovery code of an enrolled account.
func (s *Service) secondFactor(ctx context.Context, a Attempt, u *store.User, now time.Time) error {
	if u.TOTPEnabledAt == nil {
		return nil
	}
	if strings.TrimSpace(a.Code) == "" {
		s.audit(ctx, a.Client, u, "auth.mfa_challenge", OutcomeRefused, "code_missing")
		return errMFARequired
	}
	if s.codeOK(ctx, u, a.Code, now) {
		s.audit(ctx, a.Client, u, "auth.mfa_verified", OutcomeOK, "")
		return nil
	}
	return s.failed(ctx, a, u, now, "bad_mfa_code")
}

// codeOK accepts a current TOTP code or consumes an unused recovery code.
func (s *Service) codeOK(ctx context.Context, u *store.User, code string, now time.Time) bool {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if step, ok := totpStep(code, u.TOTPSecret, now); ok {
		// Accept each time step once: a code seen over someone's shoulder (or
		// replayed) within its 30 seconds does not work a second time.
		res := s.DB.WithContext(ctx).Model(&store.User{}).Where("id = ? AND totp_last_step < ?", u.ID, step).
			Update("totp_last_step", step)
		return res.Error == nil && res.RowsAffected == 1
	}
	res := s.DB.WithContext(ctx).Model(&store.RecoveryCode{}).
		Where("user_id = ? AND code_hash = ? AND used_at IS NULL", u.ID, hashToken(strings.ToLower(code))).Update("used_at", now)
	return res.Error == nil && res.RowsAffected == 1
}

// totpStep finds which 30-second step (now, or one either side for clock
// drift) code belongs to.
func totpStep(code, secret string, now time.Time) (int64, bool) {
	exact := totpOpts
	exact.Skew = 0
	for _, d := range []int64{0, -1, 1} {
		at := now.Add(time.Duration(d) * 30 * time.Second)
		if ok, _ := totp.ValidateCustom(code, secret, at, exact); ok {
			return at.Unix() / 30, true
		}
	}
	return 0, false
}

// TOTPSetup is a new, not yet confirmed authenticator secret.
type TOTPSetup struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
}

// StartTOTP creates a fresh secret for p; it takes effect once confirmed
// with EnableTOTP. Errors: Conflict (already enrolled).
func (s *Service) StartTOTP(ctx context.Context, p Principal) (*TOTPSetup, error) {
	var u store.User
	if err := s.DB.WithContext(ctx).Take(&u, p.UserID).Error; err != nil {
		return nil, err
	}
	if u.TOTPEnabledAt != nil {
		return nil, apperr.E(apperr.Conflict, "two-step sign-in is already on; turn it off first to enrol a new app").WithReason("mfa_enrolled")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "DoseLoop", AccountName: u.Email, Period: 30, Digits: otp.DigitsSix})
	if err != nil {
		return nil, err
	}
	if err := s.DB.WithContext(ctx).Model(&u).Update("totp_secret", key.Secret()).Error; err != nil {
		return nil, err
	}
	return &TOTPSetup{Secret: key.Secret(), URL: key.URL()}, nil
}

// EnableTOTP confirms enrolment with a code from the app and returns the
// recovery codes (shown once; stored hashed). Errors: Invalid, Conflict.
func (s *Service) EnableTOTP(ctx context.Context, p Principal, code string) ([]string, error) {
	now := s.Clock.Now()
	var codes []string
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u store.User
		if err := tx.Take(&u, p.UserID).Error; err != nil {
			return err
		}
		if u.TOTPEnabledAt != nil || u.TOTPSecret == "" {
			return apperr.E(apperr.Conflict, "start enrolment first (POST /v1/me/mfa/totp/setup)").WithReason("mfa_not_started")
		}
		step, ok := totpStep(strings.TrimSpace(code), u.TOTPSecret, now)
		if !ok {
			return apperr.Validation(apperr.FieldError{Field: "code", Message: "is not the current code of the authenticator app"})
		}
		if err := tx.Model(&u).Updates(map[string]any{"totp_enabled_at": now, "totp_last_step": step}).Error; err != nil {
			return err
		}
		var err error
		codes, err = newRecoveryCodes(tx, u.ID)
		return err
	})
	return codes, err
}

func newRecoveryCodes(tx *gorm.DB, userID int64) ([]string, error) {
	if err := tx.Where("user_id = ?", userID).Delete(&store.RecoveryCode{}).Error; err != nil {
		return nil, err
	}
	codes := make([]string, RecoveryCodeCount)
	for i := range codes {
		codes[i] = randomCode(10)
		if err := tx.Create(&store.RecoveryCode{UserID: userID, CodeHash: hashToken(codes[i])}).Error; err != nil {
			return nil, err
		}
	}
	return codes, nil
}

// DisableTOTP turns two-step sign-in off after checking a current code.
// Errors: Invalid (wrong code), Forbidden (the clinic requires MFA).
func (s *Service) DisableTOTP(ctx context.Context, p Principal, code string) error {
	var u store.User
	if err := s.DB.WithContext(ctx).Take(&u, p.UserID).Error; err != nil {
		return err
	}
	if req, err := s.clinicRequiresMFA(ctx, u); err != nil || req {
		if err == nil {
			err = apperr.E(apperr.Forbidden, "your clinic requires two-step sign-in").WithReason("mfa_required_by_clinic")
		}
		return err
	}
	if u.TOTPEnabledAt == nil || !s.codeOK(ctx, &u, code, s.Clock.Now()) {
		return apperr.Validation(apperr.FieldError{Field: "code", Message: "is not a current code or unused recovery code"})
	}
	return s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&u).Updates(map[string]any{"totp_enabled_at": nil, "totp_secret": ""}).Error; err != nil {
			return err
		}
		return tx.Where("user_id = ?", u.ID).Delete(&store.RecoveryCode{}).Error
	})
}

func (s *Service) clinicRequiresMFA(ctx context.Context, u store.User) (bool, error) {
	if u.Role != store.RoleAdmin && u.Role != store.RolePhysician {
		return false, nil
	}
	var req []bool
	err := s.DB.WithContext(ctx).Model(&store.Clinic{}).Where("id = ?", u.ClinicID).Pluck("require_mfa", &req).Error
	return len(req) == 1 && req[0], err
}

// required names what u must do before using anything else.
func (s *Service) required(ctx context.Context, u store.User) (string, error) {
	if u.MustChangePassword {
		return RequiredPasswordChange, nil
	}
	if u.TOTPEnabledAt != nil {
		return "", nil
	}
	if req, err := s.clinicRequiresMFA(ctx, u); err != nil || !req {
		return "", err
	}
	return RequiredMFAEnrolment, nil
}

// What a restricted session must do first.
const (
	RequiredPasswordChange = "password_change"
	RequiredMFAEnrolment   = "mfa_enrolment"
)

const codeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// randomCode returns n characters from an alphabet without look-alikes.
func randomCode(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
