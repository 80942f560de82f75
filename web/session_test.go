package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestSignInSaysWhyAndSessionsTimeOut: a failed sign-in says plainly why; a
// dashboard left alone for longer than the idle limit sends the user back to
// sign in, with the reason on the page.
func TestSignInSaysWhyAndSessionsTimeOut(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		c := b.client(t)
		tok := c.csrf("/web/login")
		res, body := c.post("/web/login", url.Values{"csrf": {tok}, "email": {b.w.Physician.Email}, "password": {"not the password"}})
		if res.StatusCode != 401 {
			t.Fatalf("wrong password: %d", res.StatusCode)
		}
		mustContain(t, "wrong-password page", body, "Email or password is wrong.")
		if res, _ := c.login(b.w.Physician.Email); res.Request.URL.Path != "/web/attention" {
			t.Fatalf("signed in: landed on %s, want the needs-attention page", res.Request.URL)
		}
		if _, body = c.get("/web/patients"); !strings.Contains(body, b.w.Patient.Name) {
			t.Fatalf("signed in: the patient list should show the patient")
		}
		b.clk.Advance(14 * time.Minute)
		if res, _ := c.get("/web/patients"); res.Request.URL.Path != "/web/patients" {
			t.Fatalf("active within the idle limit: landed on %s", res.Request.URL)
		}
		b.clk.Advance(16 * time.Minute)
		res, body = c.get("/web/patients")
		if res.Request.URL.Path != "/web/login" {
			t.Fatalf("after 16 idle minutes: landed on %s, want the sign-in page", res.Request.URL)
		}
		mustContain(t, "idle sign-in page", body, "signed out after a period without activity")
	})
}

// TestPasswordPage changes the password through the dashboard form.
func TestPasswordPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		c := b.client(t)
		c.login(b.w.Admin.Email)
		tok := c.csrf("/web/password")
		_, body := c.post("/web/password", url.Values{"csrf": {tok}, "current_password": {password},
			"new_password": {"password1234"}, "confirm_password": {"password1234"}})
		mustContain(t, "weak password", body, "commonly used")
		_, body = c.post("/web/password", url.Values{"csrf": {tok}, "current_password": {password},
			"new_password": {"a long and new passphrase"}, "confirm_password": {"a long and new passphrase"}})
		mustContain(t, "changed", body, "Your password was changed")
	})
}
