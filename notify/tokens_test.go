package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

func TestTokenRegistry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		ctx := context.Background()
		pat, cg := b.w.PatientUsr.ID, b.w.Caregiver.ID
		phone := b.token(t, pat, "tok-phone-1")
		b.token(t, pat, "tok-tablet")
		if toks, _ := b.tokens.List(ctx, pat); len(toks) != 2 {
			t.Fatalf("a user may have several devices: got %d", len(toks))
		}
		// Refresh: same row, newer last_seen, disabled flag cleared.
		b.tokens.Disable(ctx, phone.ID, "fcm UNREGISTERED")
		b.clk.Advance(24 * time.Hour)
		again := b.token(t, pat, "tok-phone-1")
		if again.ID != phone.ID || !again.LastSeenAt.Equal(b.clk.Now()) || again.DisabledAt != nil {
			t.Fatalf("refresh = %+v", again)
		}
		// The device changes hands: the token moves to the new user.
		moved := b.token(t, cg, "tok-phone-1")
		if moved.ID != phone.ID || moved.UserID != cg {
			t.Fatalf("moved = %+v", moved)
		}
		// Remove only removes one's own token.
		b.tokens.Remove(ctx, pat, "tok-phone-1")
		if toks, _ := b.tokens.List(ctx, cg); len(toks) != 1 {
			t.Fatalf("another user's remove deleted the caregiver's token")
		}
		b.tokens.Remove(ctx, cg, "tok-phone-1")
		if toks, _ := b.tokens.List(ctx, cg); len(toks) != 0 {
			t.Fatalf("remove left %d tokens", len(toks))
		}
		// Stale: the tablet was last seen at t0, a day ago; 270 days after t0 it goes.
		b.clk.Advance(notify.StaleAfter - 25*time.Hour)
		if n, _ := b.tokens.PruneStale(ctx, notify.StaleAfter); n != 0 {
			t.Fatalf("pruned %d tokens before they were stale", n)
		}
		b.clk.Advance(2 * time.Hour)
		if n, _ := b.tokens.PruneStale(ctx, notify.StaleAfter); n != 1 {
			t.Fatalf("pruned %d stale tokens, want 1", n)
		}
	})
}

func TestTokenUpsertRejectsBadInput(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite(t))
	bad := []notify.TokenInput{
		{Platform: "android", Token: "short"},
		{Platform: "android", Token: "has a space in it"},
		{Platform: "android", Token: strings.Repeat("x", 4097)},
		{Platform: "android", Token: "tok-ünïcode-123"},
		{Platform: "blackberry", Token: "tok-123456"},
		{Platform: "ios", Token: "tok-123456", Locale: strings.Repeat("e", 36)},
	}
	for _, in := range bad {
		in.UserID = b.w.PatientUsr.ID
		if _, err := b.tokens.Upsert(context.Background(), in); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("Upsert(%.40q on %s) = %v, want invalid", in.Token, in.Platform, err)
		}
	}
	var n int64
	b.db.Model(&store.PushToken{}).Count(&n)
	if n != 0 {
		t.Fatalf("bad input wrote %d tokens", n)
	}
}

func FuzzTokenValidate(f *testing.F) {
	for _, s := range []string{"tok-123456", "", "a b c d e f", "\x00\x01\x02\x03\x04\x05\x06\x07"} {
		f.Add(s, "android")
	}
	f.Fuzz(func(t *testing.T, token, platform string) {
		err := notify.TokenInput{Token: token, Platform: platform}.Validate()
		if err == nil && (len(token) < 8 || strings.ContainsAny(token, " \t\r\n\x00") || platform == "") {
			t.Fatalf("accepted token %q platform %q", token, platform)
		}
	})
}
