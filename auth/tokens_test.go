package auth

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/clock"
)

// FuzzParseAccess feeds arbitrary strings as access tokens: never a panic,
// never a principal from a token this server did not sign.
func FuzzParseAccess(f *testing.F) {
	s := &Service{Clock: clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), Secret: []byte("k0123456789abcdef0123456789abcdef"), AccessTTL: time.Minute}
	good, _, _ := s.signAccess(Principal{UserID: 7, SessionID: "s", Role: "patient", ClinicID: 1}, s.Clock.Now())
	f.Add(good)
	f.Add("a.b.c")
	f.Add("eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.")
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := s.parseAccess(raw)
		if err == nil && raw != good {
			t.Fatalf("accepted a token we did not sign: %q -> %+v", raw, p)
		}
	})
}
