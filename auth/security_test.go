package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"
)

func reason(err error) string {
	var e *apperr.Error
	if asErr(err, &e) {
		return e.Reason
	}
	return ""
}

// TestRefreshReuseEndsTheFamily is the theft: an attacker replays a refresh
// token the client already rotated. The whole session ends at once, the
// newer tokens too, and the event is audited as suspected theft.
func TestRefreshReuseEndsTheFamily(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		svc, _, _ := setup(t, db)
		ctx := context.Background()
		tok, err := svc.Login(ctx, "auth-caregiver@example.test", pw, "")
		if err != nil {
			t.Fatal(err)
		}
		next, err := svc.Refresh(ctx, tok.RefreshToken)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Refresh(ctx, tok.RefreshToken); reason(err) != "refresh_token_reused" {
			t.Fatalf("replayed refresh token: want refresh_token_reused, got %v", err)
		}
		if _, err := svc.Authenticate(ctx, next.AccessToken); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("the newer access token must die with the family, got %v", err)
		}
		if _, err := svc.Refresh(ctx, next.RefreshToken); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("the newer refresh token must die with the family, got %v", err)
		}
		var n int64
		db.Model(&store.AuditEntry{}).Where("action = ? AND outcome = ?", "auth.refresh_reuse", auth.OutcomeRefused).Count(&n)
		if n != 1 {
			t.Fatalf("want one audited suspected theft, got %d", n)
		}
	})
}

// TestDashboardSessionsEnd: a dashboard session ends after WebIdle without a
// request, and after WebMax however busy it is; API sessions have no idle limit.
func TestDashboardSessionsEnd(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		svc, clk, _ := setup(t, db)
		ctx := context.Background()
		web := func() *auth.Tokens {
			tok, err := svc.SignIn(ctx, auth.Attempt{Email: "auth-physician@example.test", Password: pw, Web: true})
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		idle := web()
		api, _ := svc.Login(ctx, "auth-admin@example.test", pw, "")
		clk.Advance(svc.WebIdle - time.Minute)
		if _, err := svc.Authenticate(ctx, idle.AccessToken); err != nil {
			t.Fatalf("active within the idle limit: %v", err)
		}
		clk.Advance(svc.WebIdle + time.Second)
		if _, err := svc.Refresh(ctx, idle.RefreshToken); reason(err) != "session_idle" {
			t.Fatalf("idle dashboard session: want session_idle, got %v", err)
		}
		if _, err := svc.Refresh(ctx, api.RefreshToken); err != nil {
			t.Fatalf("API sessions have no idle limit: %v", err)
		}
		busy := web()
		for elapsed := time.Duration(0); elapsed < svc.WebMax-10*time.Minute; elapsed += 10 * time.Minute {
			clk.Advance(10 * time.Minute)
			next, err := svc.Refresh(ctx, busy.RefreshToken)
			if err != nil {
				t.Fatalf("busy session at %s: %v", elapsed, err)
			}
			busy = next
		}
		clk.Advance(11 * time.Minute)
		if _, err := svc.Refresh(ctx, busy.RefreshToken); !apperr.Is(err, apperr.Unauthorized) {
			t.Fatalf("after the absolute lifetime the session ends, got %v", err)
		}
	})
}

// TestTOTPEnrolmentAndSignIn enrols with a fixed clock, then signs in with
// no code, a wrong code, the right code, and a recovery code (once only).
func TestTOTPEnrolmentAndSignIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		svc, clk, w := setup(t, db)
		ctx := context.Background()
		email := "auth-physician@example.test"
		p := auth.Principal{UserID: w.Physician.ID, Role: store.RolePhysician, ClinicID: w.Clinic.ID}
		setupKey, err := svc.StartTOTP(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.EnableTOTP(ctx, p, "000000"); !apperr.Is(err, apperr.Invalid) {
			t.Fatalf("enable with a wrong code: %v", err)
		}
		code, _ := totp.GenerateCode(setupKey.Secret, clk.Now())
		recovery, err := svc.EnableTOTP(ctx, p, code)
		if err != nil || len(recovery) != auth.RecoveryCodeCount {
			t.Fatalf("enable: %v %v", recovery, err)
		}
		try := func(c string) error {
			_, err := svc.SignIn(ctx, auth.Attempt{Email: email, Password: pw, Code: c})
			return err
		}
		if err := try(""); reason(err) != "mfa_required" {
			t.Fatalf("password alone: want mfa_required, got %v", err)
		}
		if err := try("123456"); reason(err) != "mfa_invalid" {
			t.Fatalf("wrong code: want mfa_invalid, got %v", err)
		}
		clk.Advance(time.Minute)
		now, _ := totp.GenerateCode(setupKey.Secret, clk.Now())
		if err := try(now); err != nil {
			t.Fatalf("current code: %v", err)
		}
		if err := try(now); reason(err) != "mfa_invalid" {
			t.Fatalf("the same code replayed within its 30 s: want mfa_invalid, got %v", err)
		}
		if err := try(recovery[0]); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		if err := try(recovery[0]); reason(err) != "mfa_invalid" {
			t.Fatalf("a recovery code works once, got %v", err)
		}
	})
}

// TestBreakGlassExpires: a physician outside the care team sees the patient
// only while an emergency access is open, and not after it expires.
func TestBreakGlassExpires(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		svc, clk, w := setup(t, db)
		ctx := context.Background()
		other := store.User{ClinicID: w.Clinic.ID, Email: "er@example.test", Name: "ER", Role: store.RolePhysician,
			PasswordHash: storetest.PasswordHash, Locale: "en", CreatedAt: t0, UpdatedAt: t0}
		if err := db.Create(&other).Error; err != nil {
			t.Fatal(err)
		}
		p := auth.Principal{UserID: other.ID, Role: store.RolePhysician, ClinicID: w.Clinic.ID, Now: clk.Now()}
		if _, err := auth.LoadPatient(ctx, db, p, w.Patient.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("before break-glass: %v", err)
		}
		db.Create(&store.BreakGlass{ClinicID: w.Clinic.ID, PatientID: w.Patient.ID, PhysicianID: other.ID,
			Reason: "unconscious in ER", OpenedAt: clk.Now(), ExpiresAt: clk.Now().Add(svc.BreakGlassTTL)})
		if _, err := auth.LoadPatient(ctx, db, p, w.Patient.ID); err != nil {
			t.Fatalf("during break-glass: %v", err)
		}
		p.Now = clk.Now().Add(svc.BreakGlassTTL + time.Second)
		if _, err := auth.LoadPatient(ctx, db, p, w.Patient.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("after expiry: %v", err)
		}
	})
}

// TestAuditChainNamesTamperedRows alters one row and deletes another; the
// verifier names each, and an intact chain verifies.
func TestAuditChainNamesTamperedRows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, _, w := setup(t, db)
		ctx := context.Background()
		var ids []int64
		for i := 0; i < 5; i++ {
			e := store.AuditEntry{At: t0, ActorID: &w.Admin.ID, ClinicID: &w.Clinic.ID, Action: "patient.read", PatientID: &w.Patient.ID, Outcome: "ok"}
			auth.Record(ctx, db, e)
		}
		db.Model(&store.AuditEntry{}).Order("id").Pluck("id", &ids)
		if rep, err := auth.VerifyChains(ctx, db); err != nil || !rep.OK() || rep.Rows != 5 {
			t.Fatalf("intact chain: %+v %v", rep, err)
		}
		db.Exec("UPDATE audit_log SET outcome = 'denied' WHERE id = ?", ids[1])
		if rep, _ := auth.VerifyChains(ctx, db); rep.BadRowID != ids[1] || !strings.Contains(rep.Problem, "altered") {
			t.Fatalf("altered row %d: got %+v", ids[1], rep)
		}
		db.Exec("UPDATE audit_log SET outcome = 'ok' WHERE id = ?", ids[1])
		db.Exec("DELETE FROM audit_log WHERE id = ?", ids[3])
		if rep, _ := auth.VerifyChains(ctx, db); rep.BadRowID != ids[4] || !strings.Contains(rep.Problem, "missing") {
			t.Fatalf("deleted row %d: want the row after it (%d) named, got %+v", ids[3], ids[4], rep)
		}
	})
}

// TestPasswordPolicy: short and common passwords are refused; a long one
// (80 bytes, past bcrypt's limit) hashes and verifies.
func TestPasswordPolicy(t *testing.T) {
	t.Parallel()
	if n := auth.CommonPasswordCount(); n < 10000 {
		t.Fatalf("embedded common-password list has %d entries, want >= 10000", n)
	}
	for _, bad := range []string{"1234567890", "password12", "short", "123456789012", "qwertyuiop123"} {
		if err := auth.CheckPassword("password", bad, ""); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("%q accepted", bad)
		}
	}
	long := strings.Repeat("päss-wörd ", 8)
	if err := auth.CheckPassword("password", long, ""); err != nil {
		t.Fatalf("long password refused: %v", err)
	}
	if _, err := auth.HashPassword(long, 4); err != nil {
		t.Fatalf("hash 80+ bytes: %v", err)
	}
}

// TestUnsetCostHashesAtProductionStrength: a caller that leaves the cost at
// 0 must not get the cheap test parameters.
func TestUnsetCostHashesAtProductionStrength(t *testing.T) {
	t.Parallel()
	h, err := auth.HashPassword("a long and new passphrase", 0)
	if err != nil || !strings.Contains(h, "m=19456,t=2") {
		t.Fatalf("cost 0 hashed as %q (%v), want production argon2id parameters", h, err)
	}
}
