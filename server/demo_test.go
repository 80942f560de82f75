package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/seed"
)

// TestDemoLoginsWork seeds the demo clinic twice (idempotent) and signs in
// with a printed demo login.
func TestDemoLoginsWork(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	ctx := context.Background()
	var out bytes.Buffer
	for i := 0; i < 2; i++ {
		d, err := seed.Seed(ctx, b.app.db, b.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		printLogins(&out, d)
		if len(d.Logins) != 21 || len(d.Dispensers) == 0 {
			t.Fatalf("seed %d: %d logins, %d dispensers", i, len(d.Logins), len(d.Dispensers))
		}
	}
	if !strings.Contains(out.String(), "alex.admin@demo.doseloop.local") {
		t.Fatalf("the demo admin is not printed:\n%s", out.String())
	}
	w := b.do("POST", "/v1/auth/login", map[string]string{"email": "alex.admin@demo.doseloop.local", "password": seed.DemoPassword})
	if w.Code != 200 {
		t.Fatalf("demo admin login: %d %s", w.Code, w.Body.String())
	}
}
