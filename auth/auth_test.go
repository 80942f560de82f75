package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

const pw = "correct horse battery staple"

var t0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

func setup(t *testing.T, db *gorm.DB) (*auth.Service, *clock.Fake, *storetest.World) {
	clk := clock.NewFake(t0)
	w := storetest.NewWorld(t, db, "auth", t0)
	return auth.NewService(db, clk, []byte("0123456789abcdef0123456789abcdef")), clk, w
}

func TestLoginAndAuthenticate(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		svc, _, w := setup(t, db)
		ctx := context.Background()
		tok, err := svc.Login(ctx, "  AUTH-physician@example.test ", pw, "test")
		if err != nil {
			t.Fatalf("login with right password (email case and spaces ignored): %v", err)
		}
		if tok.User.ID != w.Physician.ID || tok.User.Role != "physician" {
			t.Fatalf("logged in as %+v, want the physician", tok.User)
		}
		p, err := svc.Authenticate(ctx, tok.AccessToken)
		if err != nil || p.UserID != w.Physician.ID || p.ClinicID != w.Clinic.ID {
			t.Fatalf("authenticate: %+v %v", p, err)
		}
		if _, err := svc.Authenticate(ctx, tok.AccessToken+"x"); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("tampered token: want unauthorized, got %v", err)
		}
		for _, c := range []struct{ email, pass string }{{"auth-physician@example.test", "wrong password!"}, {"nobody@example.test", pw}} {
			_, err := svc.Login(ctx, c.email, c.pass, "")
			var e *apperr.Error
			if !apperr.Is(err, apperr.Unauthorized) || !asErr(err, &e) || e.Message != "email or password is wrong" {
				t.Fatalf("login %s: want the same generic unauthorized error, got %v", c.email, err)
			}
		}
	})
}

// TestThrottleWithoutEnumerationOrLockout is the attack: guess one account's
// password; the account and an unknown email answer alike at every step, the
// delay is bounded, and the right password works once it has passed.
func TestThrottleWithoutEnumerationOrLockout(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		svc, clk, _ := setup(t, db)
		ctx := context.Background()
		try := func(email, pass string) error {
			_, err := svc.SignIn(ctx, auth.Attempt{Email: email, Password: pass, Client: auth.Client{IP: "203.0.113.9"}})
			return err
		}
		for i := 0; i < svc.Throttle.Account.Free+1; i++ {
			real, ghost := try("auth-patient@example.test", "not the password"), try("ghost@example.test", "not the password")
			if real.Error() != ghost.Error() {
				t.Fatalf("attempt %d: real account %q, unknown email %q: the answers tell accounts apart", i, real, ghost)
			}
		}
		real, ghost := try("auth-patient@example.test", pw), try("ghost@example.test", pw)
		if !apperr.Is(real, apperr.RateLimited) || real.Error() != ghost.Error() {
			t.Fatalf("throttled: real %v, unknown %v: want the same 429", real, ghost)
		}
		var e *apperr.Error
		if !asErr(real, &e) || e.Extra["retry_after"].(int) < 1 {
			t.Fatalf("a throttled answer names the wait: %+v", e)
		}
		clk.Advance(svc.Throttle.Account.Max + time.Second)
		if err := try("auth-patient@example.test", pw); err != nil {
			t.Fatalf("after the delay the right password works: %v", err)
		}
	})
}

func TestTokenExpiryRefreshAndRevocation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		svc, clk, _ := setup(t, db)
		ctx := context.Background()
		tok, err := svc.Login(ctx, "auth-caregiver@example.test", pw, "")
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(svc.AccessTTL + time.Second)
		_, err = svc.Authenticate(ctx, tok.AccessToken)
		if e := (*apperr.Error)(nil); !asErr(err, &e) || e.Reason != "token_expired" {
			t.Fatalf("expired access token: want token_expired, got %v", err)
		}
		next, err := svc.Refresh(ctx, tok.RefreshToken)
		if err != nil {
			t.Fatalf("refresh: %v", err)
		}
		p, err := svc.Authenticate(ctx, next.AccessToken)
		if err != nil {
			t.Fatalf("new access token: %v", err)
		}
		if err := svc.Logout(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, next.AccessToken); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("access token after logout: want unauthorized, got %v", err)
		}
		if _, err := svc.Refresh(ctx, next.RefreshToken); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("refresh after logout: want unauthorized, got %v", err)
		}
		tok2, _ := svc.Login(ctx, "auth-caregiver@example.test", pw, "")
		clk.Advance(svc.RefreshTTL + time.Minute)
		if _, err := svc.Refresh(ctx, tok2.RefreshToken); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("expired refresh token: want unauthorized, got %v", err)
		}
	})
}

func asErr(err error, target **apperr.Error) bool {
	e, ok := err.(*apperr.Error)
	if ok {
		*target = e
	}
	return ok
}
