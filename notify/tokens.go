package notify

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// StaleAfter is how long a token may go unrefreshed before PruneStale
// deletes it (FCM treats tokens inactive for 270 days as expired).
const StaleAfter = 270 * 24 * time.Hour

// Platforms a token may be registered for.
var Platforms = []string{"android", "ios", "web"}

// Tokens is the push-token registry. A user may have several devices; a
// token belongs to one user at a time (the last to register it).
type Tokens struct {
	DB    *gorm.DB
	Clock clock.Clock
}

// TokenInput is what an app install registers.
type TokenInput struct {
	UserID     int64
	SessionID  string // the sign-in session; auth.Logout deletes its tokens
	Platform   string
	Token      string
	AppVersion string
	Locale     string
}

// Validate checks a registration; it returns apperr.Invalid with field errors.
func (in TokenInput) Validate() error {
	var fs []apperr.FieldError
	if l := len(in.Token); l < 8 || l > 4096 || strings.IndexFunc(in.Token, notTokenRune) >= 0 {
		fs = append(fs, apperr.FieldError{Field: "token", Message: "must be 8-4096 printable characters without spaces"})
	}
	if !contains(Platforms, in.Platform) {
		fs = append(fs, apperr.FieldError{Field: "platform", Message: "must be android, ios or web"})
	}
	if len(in.AppVersion) > 64 {
		fs = append(fs, apperr.FieldError{Field: "app_version", Message: "must be at most 64 characters"})
	}
	if len(in.Locale) > 35 {
		fs = append(fs, apperr.FieldError{Field: "locale", Message: "must be a language tag such as en or es-MX"})
	}
	if len(fs) > 0 {
		return apperr.Validation(fs...)
	}
	return nil
}

func notTokenRune(r rune) bool {
	return r > unicode.MaxASCII || !unicode.IsPrint(r) || unicode.IsSpace(r)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Upsert registers or refreshes a token: it sets last_seen_at to now,
// re-enables a disabled token (the app got it again from FCM, so it is
// valid) and moves a token that another user registered before to this
// user (the device changed hands). Returns apperr.Invalid for bad input.
func (t Tokens) Upsert(ctx context.Context, in TokenInput) (store.PushToken, error) {
	if err := in.Validate(); err != nil {
		return store.PushToken{}, err
	}
	now := t.Clock.Now()
	pt := store.PushToken{UserID: in.UserID, Token: in.Token, Platform: in.Platform, AppVersion: in.AppVersion,
		Locale: in.Locale, SessionID: in.SessionID, LastSeenAt: now, CreatedAt: now}
	err := t.DB.WithContext(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "token"}},
		DoUpdates: clause.AssignmentColumns([]string{"user_id", "platform", "app_version", "locale", "session_id",
			"last_seen_at"}),
	}).Create(&pt).Error
	if err != nil {
		return pt, err
	}
	err = t.DB.WithContext(ctx).Model(&store.PushToken{}).Where("token = ?", in.Token).
		Updates(map[string]any{"disabled_at": nil, "disabled_reason": ""}).Error
	if err != nil {
		return pt, err
	}
	err = t.DB.WithContext(ctx).Where("token = ?", in.Token).First(&pt).Error
	return pt, err
}

// Remove deletes userID's registration of token (the app signed out or
// turned notifications off). Removing a token that is not the user's is a
// no-op, so the call is idempotent and reveals nothing.
func (t Tokens) Remove(ctx context.Context, userID int64, token string) error {
	return t.DB.WithContext(ctx).Where("user_id = ? AND token = ?", userID, token).Delete(&store.PushToken{}).Error
}

// Disable stops sends to a token the provider rejected, keeping the row
// (with the reason) so support can see why a device went quiet.
func (t Tokens) Disable(ctx context.Context, tokenID int64, reason string) error {
	return t.DB.WithContext(ctx).Model(&store.PushToken{}).Where("id = ? AND disabled_at IS NULL", tokenID).
		Updates(map[string]any{"disabled_at": t.Clock.Now(), "disabled_reason": truncate(reason, 200)}).Error
}

// List returns userID's tokens, newest first.
func (t Tokens) List(ctx context.Context, userID int64) ([]store.PushToken, error) {
	var out []store.PushToken
	err := t.DB.WithContext(ctx).Where("user_id = ?", userID).Order("last_seen_at DESC, id DESC").Find(&out).Error
	return out, err
}

// PruneStale deletes tokens not refreshed within maxAge (use StaleAfter)
// and reports how many went.
func (t Tokens) PruneStale(ctx context.Context, maxAge time.Duration) (int64, error) {
	res := t.DB.WithContext(ctx).Where("last_seen_at < ?", t.Clock.Now().Add(-maxAge)).Delete(&store.PushToken{})
	return res.RowsAffected, res.Error
}
