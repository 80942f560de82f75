package web_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/doseloop/doseloop/store"
)

// In the real Chromium at both widths: a physician's mistaken prescription
// comes back with every field error at once and everything typed kept
// (Warfarin stays Warfarin), and Stop asks before it stops.
func TestBrowserRegimenEditor(t *testing.T) {
	t.Parallel()
	eachWidth(t, func(t *testing.T, d *demo, ctx context.Context, width int) {
		var pt store.Patient
		d.db.Where("name = ?", "Margaret Chen").Take(&pt)
		var warfarin store.Medication
		d.db.Where("name = ?", "Warfarin").Take(&warfarin)
		signIn(t, ctx, d.url, demoPhysician)
		base := fmt.Sprintf("/web/patients/%d/regimens", pt.ID)
		open(t, ctx, d.url, base)
		if v := eval[string](t, ctx, `document.getElementById('medication_id').value`); v != "" {
			t.Errorf("the form starts with medication %q chosen", v)
		}
		run(t, ctx, "fill the form", chromedp.SetValue(chromedp.CSS(`#medication_id`), fmt.Sprint(warfarin.ID)),
			chromedp.SetValue(chromedp.CSS(`#times`), "8am, 20:00"), chromedp.SetValue(chromedp.CSS(`#grace`), "lots"),
			chromedp.SetValue(chromedp.CSS(`#quantity`), "2.5"))
		click(t, ctx, `#check`)
		errs := eval[[]string](t, ctx, `[...document.querySelectorAll('.field-error')].map(e => e.id)`)
		if strings.Join(errs, " ") != "times-error grace-error" {
			t.Errorf("field errors shown: %v, want times and grace", errs)
		}
		kept := eval[[]string](t, ctx, `['medication_id', 'times', 'grace', 'quantity'].map(id => document.getElementById(id).value)`)
		if want := []string{fmt.Sprint(warfarin.ID), "8am, 20:00", "lots", "2.5"}; fmt.Sprint(kept) != fmt.Sprint(want) {
			t.Errorf("after the error the form holds %v, want %v", kept, want)
		}
		checkPage(t, ctx, "regimens-errors", width)
		var reg store.Regimen
		d.db.Where("patient_id = ? AND stopped_at IS NULL", pt.ID).Order("id").Take(&reg)
		click(t, ctx, fmt.Sprintf(`#stop-%d`, reg.ID))
		if n := eval[int](t, ctx, `document.querySelectorAll('#stop-confirm').length`); n != 1 {
			t.Fatal("Stop did not ask first")
		}
		checkPage(t, ctx, "regimens-stop-confirm", width)
		if d.db.Take(&reg, reg.ID); reg.StoppedAt != nil {
			t.Fatal("stopped before the confirmation")
		}
		click(t, ctx, `#stop-yes`)
		if d.db.Take(&reg, reg.ID); reg.StoppedAt == nil {
			t.Error("not stopped after confirming")
		}
	})
}

// In the real Chromium at both widths: the admin adds a user, resets their
// password, provisions a dispenser and revokes it after confirming.
func TestBrowserAdminFlows(t *testing.T) {
	t.Parallel()
	eachWidth(t, func(t *testing.T, d *demo, ctx context.Context, width int) {
		signIn(t, ctx, d.url, demoAdmin)
		open(t, ctx, d.url, "/web/admin/users")
		run(t, ctx, "new user", chromedp.SendKeys(chromedp.CSS(`#name`), "Dr. Nadia Novak"),
			chromedp.SendKeys(chromedp.CSS(`#email`), "nadia@example.org"), chromedp.SetValue(chromedp.CSS(`#role`), "physician"))
		click(t, ctx, `#create-user`)
		first := eval[string](t, ctx, `document.getElementById('one-time-password')?.textContent ?? ''`)
		var u store.User
		if err := d.db.Where("email = ?", "nadia@example.org").Take(&u).Error; err != nil || len(first) < 10 {
			t.Fatalf("user not created (%v) or no one-time password shown (%q)", err, first)
		}
		checkPage(t, ctx, "admin-user-created", width)
		click(t, ctx, fmt.Sprintf(`tr[data-user-id="%d"] form[action$="reset-password"] button`, u.ID))
		second := eval[string](t, ctx, `document.getElementById('one-time-password')?.textContent ?? ''`)
		if len(second) < 10 || second == first {
			t.Errorf("reset password showed %q after %q", second, first)
		}
		open(t, ctx, d.url, "/web/admin/dispensers")
		pub, _, _ := ed25519.GenerateKey(nil)
		run(t, ctx, "provision", chromedp.SendKeys(chromedp.CSS(`#serial`), "DL-NEW-0042"),
			chromedp.SendKeys(chromedp.CSS(`#public_key`), base64.StdEncoding.EncodeToString(pub)))
		click(t, ctx, `#provision-submit`)
		var disp store.Dispenser
		if err := d.db.Where("serial = ?", "DL-NEW-0042").Take(&disp).Error; err != nil {
			t.Fatalf("not provisioned: %v", err)
		}
		run(t, ctx, "open Manage", chromedp.Click(chromedp.CSS(`tr[data-serial="DL-NEW-0042"] summary`)))
		click(t, ctx, `#revoke-DL-NEW-0042`)
		checkPage(t, ctx, "admin-dispenser-revoke-confirm", width)
		if d.db.Take(&disp, disp.ID); disp.RevokedAt != nil {
			t.Fatal("revoked before the confirmation")
		}
		click(t, ctx, `#revoke-yes`)
		if d.db.Take(&disp, disp.ID); disp.RevokedAt == nil {
			t.Error("not revoked after confirming")
		}
	})
}
