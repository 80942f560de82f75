package auth

import (
	"context"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ThrottleRule says how many failures a key gets for free and how long the
// delay after each further one grows to (doubling from one second).
type ThrottleRule struct {
	Free int
	Max  time.Duration
}

// Throttle limits failed sign-ins in the database, so every replica sees
// the same counts. Three keys are counted per attempt: the client address
// (password spraying), the account (guessing one password from many
// addresses) and the pair. The account's delay is capped low so a stranger
// cannot lock a physician out; the address's and the pair's grow long. A
// key that exists for an unknown email is counted the same way, so the
// answers cannot tell accounts apart.
type Throttle struct {
	IP, Account, Pair ThrottleRule
	// Forget drops a key's count when its first failure is older than this.
	Forget time.Duration
}

// DefaultThrottle is the production policy.
var DefaultThrottle = Throttle{
	IP:      ThrottleRule{Free: 20, Max: 15 * time.Minute},
	Account: ThrottleRule{Free: 5, Max: time.Minute},
	Pair:    ThrottleRule{Free: 5, Max: 15 * time.Minute},
	Forget:  24 * time.Hour,
}

type throttleKey struct {
	key  string
	rule ThrottleRule
}

func (t Throttle) keys(email, ip string) []throttleKey {
	email = strings.ToLower(strings.TrimSpace(email))
	return []throttleKey{{"ip:" + ip, t.IP}, {"acct:" + email, t.Account}, {"pair:" + email + "|" + ip, t.Pair}}
}

// errThrottled is the one answer for every throttled attempt, known
// account or not.
func errThrottled(wait time.Duration) error {
	secs := int(math.Ceil(wait.Seconds()))
	return apperr.E(apperr.RateLimited, "too many failed sign-ins; wait %d seconds and try again", secs).
		WithReason("throttled").With("retry_after", secs)
}

// check returns errThrottled when any key is still waiting.
func (t Throttle) check(ctx context.Context, db *gorm.DB, email, ip string, now time.Time) error {
	var wait time.Duration
	for _, k := range t.keys(email, ip) {
		var row store.LoginThrottle
		err := db.WithContext(ctx).Where("key = ?", k.key).Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			continue
		} else if err != nil {
			return err
		}
		if row.BlockedUntil != nil && row.BlockedUntil.After(now) && row.BlockedUntil.Sub(now) > wait {
			wait = row.BlockedUntil.Sub(now)
		}
	}
	if wait > 0 {
		return errThrottled(wait)
	}
	return nil
}

// fail counts one failure against every key.
func (t Throttle) fail(ctx context.Context, db *gorm.DB, email, ip string, now time.Time) error {
	for _, k := range t.keys(email, ip) {
		if err := t.failKey(ctx, db, k, now); err != nil {
			return err
		}
	}
	return nil
}

func (t Throttle) failKey(ctx context.Context, db *gorm.DB, k throttleKey, now time.Time) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row := store.LoginThrottle{Key: k.key, FirstAt: now}
		err := tx.Where("key = ?", k.key).Take(&row).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		if now.Sub(row.FirstAt) > t.Forget {
			row = store.LoginThrottle{Key: k.key, FirstAt: now}
		}
		row.Failures++
		row.BlockedUntil = nil
		if over := row.Failures - k.rule.Free; over > 0 {
			until := now.Add(delay(over, k.rule.Max))
			row.BlockedUntil = &until
		}
		return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, UpdateAll: true}).Create(&row).Error
	})
}

// delay doubles from one second for each failure over the free ones, up to max.
func delay(over int, max time.Duration) time.Duration {
	if over > 30 {
		return max
	}
	return min(time.Duration(1<<(over-1))*time.Second, max)
}

// succeed forgets the account's and the pair's failures (not the
// address's: signing in to one's own account must not reset a spray count).
func (t Throttle) succeed(ctx context.Context, db *gorm.DB, email, ip string) error {
	keys := t.keys(email, ip)
	return db.WithContext(ctx).Where("key IN ?", []string{keys[1].key, keys[2].key}).Delete(&store.LoginThrottle{}).Error
}

// Unlock forgets every failure counted against the account (an admin's
// unlock), whichever address they came from.
func Unlock(ctx context.Context, db *gorm.DB, email string) error {
	email = strings.ToLower(strings.TrimSpace(email))
	return db.WithContext(ctx).Where("key = ? OR key LIKE ? ESCAPE '\\'", "acct:"+email, "pair:"+escapeLike(email)+"|%").
		Delete(&store.LoginThrottle{}).Error
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}
