package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/doseloop/doseloop/store"
)

// In the real Chromium at 390 px, a caregiver sees the patient's missed
// dose appear in the alerts inbox, acknowledges it, and the escalation
// ladder stops: the second caregiver is never notified.
func TestAppBrowserCaregiver(t *testing.T) {
	ab := newAppBrowser(t, nil)
	ab.signIn(appCaregiver, "#/patients")
	ab.until("patients", `document.querySelector('main').innerText.includes('Olivia Brown')`)
	ab.check("caregiver-patients")
	ab.goTo("#/alerts", `document.querySelector('main').innerText.includes('No alerts')`)

	alert := ab.escalateUntilCaregiver("Omar Haddad")
	ab.goTo("#/patients", `document.querySelector('main').innerText.includes('Missed 1')`)
	ab.check("caregiver-patients-missed")
	ab.goTo("#/alerts", fmt.Sprintf(`document.querySelector('#alert-%d button')`, alert.ID))
	if txt := js[string](ab, fmt.Sprintf(`document.querySelector('#alert-%d').innerText`, alert.ID)); !strings.Contains(txt, "Olivia Brown: Missed dose") || !strings.Contains(txt, "Delivery: push") {
		t.Errorf("alert card: %q", txt)
	}
	ab.check("caregiver-alerts")
	ab.click(fmt.Sprintf(`#alert-%d button`, alert.ID))
	ab.until("acknowledged", `document.getElementById('status').textContent.includes('Acknowledged')`)
	ab.must(ab.app.db.Take(&alert, alert.ID).Error)
	if alert.AcknowledgedAt == nil {
		t.Fatalf("alert not acknowledged: %+v", alert)
	}

	ab.pushAck()

	// Two more hours of scheduler ticks: the ladder's later steps never fire.
	grace := ab.recipientID("Grace Miller")
	for range 24 {
		ab.clock.Advance(5 * time.Minute)
		ab.must(ab.sched.Tick(context.Background(), ab.clock.Now()))
	}
	var n int64
	ab.must(ab.app.db.Model(&store.Notification{}).Where("alert_id = ? AND recipient_id = ?", alert.ID, grace).Count(&n).Error)
	if n != 0 {
		t.Errorf("after the acknowledgement the second caregiver got %d notifications", n)
	}

	ab.goTo(fmt.Sprintf("#/patient/%d", alert.PatientID), `document.querySelector('main').innerText.includes('Levothyroxine')`)
	ab.check("caregiver-patient-day")
	ab.goTo("#/invitations", `document.querySelector('main h1')?.textContent === 'Invitations'`)
	ab.check("caregiver-invitations")
	ab.goTo("#/settings", `document.querySelector('#push-state')`)
	ab.check("caregiver-settings")
}

// goTo follows a hash link and waits for expr.
func (ab *appBrowser) goTo(hash, expr string) {
	ab.t.Helper()
	ab.step("go "+hash, chromedp.Do(ab.ctx, chromedp.Evaluate[chromedp.Void](`location.hash = '`+hash+`'`)))
	ab.until(hash, expr)
}

func (ab *appBrowser) recipientID(name string) int64 {
	var u store.User
	ab.must(ab.app.db.Where("name = ?", name).Take(&u).Error)
	return u.ID
}

// escalateUntilCaregiver runs the scheduler minute by minute until the
// missed 06:30 dose's alert reaches the named caregiver; it returns the alert.
func (ab *appBrowser) escalateUntilCaregiver(name string) store.Alert {
	ab.t.Helper()
	who := ab.recipientID(name)
	for range 90 {
		ab.must(ab.sched.Tick(context.Background(), ab.clock.Now()))
		var note store.Notification
		if err := ab.app.db.Where("recipient_id = ? AND alert_id IS NOT NULL", who).Take(&note).Error; err == nil {
			var a store.Alert
			ab.must(ab.app.db.Take(&a, *note.AlertID).Error)
			return a
		}
		ab.clock.Advance(time.Minute)
	}
	ab.t.Fatalf("no escalation reached %s", name)
	return store.Alert{}
}

// pushAck acknowledges another open alert from its push notification's
// Acknowledge button, without opening the inbox.
func (ab *appBrowser) pushAck() {
	var other store.Alert
	omar := ab.recipientID("Omar Haddad")
	ab.must(ab.app.db.Where("acknowledged_at IS NULL AND closed_at IS NULL AND dose_id IS NOT NULL AND patient_id IN (SELECT patient_id FROM care_links WHERE caregiver_id = ? AND state = ?)",
		omar, store.LinkActive).Order("id").Take(&other).Error)
	var pt store.Patient
	ab.must(ab.app.db.Take(&pt, other.PatientID).Error)
	tag := fmt.Sprintf("dose-%d", *other.DoseID)
	got := ab.deliverPush(ab.webpushOnTheWire(store.OutboxPayload{Template: "missed_dose_caregiver", DoseID: *other.DoseID, AlertID: other.ID,
		PatientID: pt.ID, PatientName: pt.Name, LocalTime: "07:00"}), tag)
	if !strings.Contains(got, `"ack=Acknowledge"`) || !strings.Contains(got, fmt.Sprintf(`"link":"/app/#/alerts/%d"`, other.ID)) {
		ab.t.Errorf("caregiver notification: %s", got)
	}
	ab.check("caregiver-push")
	ab.press(tag, "ack", func() bool {
		var a store.Alert
		ab.must(ab.app.db.Take(&a, other.ID).Error)
		return a.AcknowledgedAt != nil
	})
}
