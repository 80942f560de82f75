package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/seed"
)

// The demo prints the app's URL and a patient and caregiver login that
// work: the caregiver sees that patient, and the patient has a dispenser
// whose activity the app shows.
func TestDemoPrintsAppLogins(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	d, err := seed.Seed(context.Background(), b.app.db, b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	printAppLogins(&out, d, "http://localhost:8080")
	m := regexp.MustCompile(`http://localhost:8080/app/ \(patient (\S+), caregiver (\S+);`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no app line: %q", out.String())
	}
	auth := func(email string) string {
		w := b.do("POST", "/v1/auth/login", map[string]string{"email": email, "password": seed.DemoPassword})
		if w.Code != 200 {
			t.Fatalf("login %s: %d %s", email, w.Code, w.Body)
		}
		return "Bearer " + decode(t, w)["access_token"].(string)
	}
	disp := decode(t, b.do("GET", "/v1/me/dispenser", nil, "Authorization", auth(m[1])))
	if disp["dispenser"] == nil {
		t.Errorf("the demo patient %s has no dispenser: %v", m[1], disp)
	}
	glance := b.do("GET", "/v1/caregiver/patients", nil, "Authorization", auth(m[2]))
	name := strings.TrimSuffix(m[1], "@demo.doseloop.local")
	if first, _, _ := strings.Cut(name, "."); !strings.Contains(strings.ToLower(glance.Body.String()), first) {
		t.Errorf("caregiver %s does not see %s: %s", m[2], m[1], glance.Body)
	}
}
