package fcm_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/notify/fcmfake"
	"github.com/doseloop/doseloop/store"
)

// wireWebpush is the part of the FCM v1 message a browser token gets.
type wireWebpush struct {
	Token        string            `json:"token"`
	Android      json.RawMessage   `json:"android"`
	Notification map[string]string `json:"notification"`
	Webpush      struct {
		Headers      map[string]string `json:"headers"`
		Data         map[string]string `json:"data"`
		Notification struct {
			Title, Body, Lang, Tag string
			RequireInteraction     bool `json:"requireInteraction"`
			Actions                []struct{ Action, Title string }
		} `json:"notification"`
		FCMOptions struct{ Link string } `json:"fcm_options"`
	} `json:"webpush"`
}

// A reminder to a web token goes out through the real Admin SDK as a
// webpush message: the lock-screen text in the user's language and privacy
// setting, Taken and Snooze buttons in that language, the link to the dose,
// TTL and Urgency headers. Both languages × both privacy settings.
func TestWebpushReminderOnTheWire(t *testing.T) {
	t.Parallel()
	ch, fake := channel(t)
	cases := []struct {
		locale             string
		private            bool
		title, body, taken string
		snooze             string
		mustNot, mustHave  string
	}{
		{"en-US", true, "Medication reminder", "Time for your 8:00 medication", "Taken", "Snooze 15 min", "Metformin", ""},
		{"en", false, "Medication reminder", "Time for your 8:00 Metformin 500 mg", "Taken", "Snooze 15 min", "", "Metformin"},
		{"es-MX", true, "Recordatorio de medicación", "Es hora de su medicación de las 8:00", "Tomada", "Posponer 15 min", "Metformin", ""},
		{"es", false, "Recordatorio de medicación", "Es hora de su Metformin 500 mg de las 8:00", "Tomada", "Posponer 15 min", "", "Metformin"},
	}
	for i, c := range cases {
		p := store.OutboxPayload{Template: "dose_reminder", DoseID: 42, PatientID: 7, Medication: "Metformin 500 mg", LocalTime: "08:00"}
		m := &notify.Message{ID: int64(100 + i), Kind: "reminder", Now: now, Payload: p,
			Recipient: notify.Recipient{Locale: c.locale, LockScreenPrivate: c.private},
			Target:    &notify.Target{TokenID: 1, Token: "web-token-" + c.locale, Platform: "web"},
			Text:      notify.Render(p, c.locale, c.private)}
		if _, _, _, err := ch.Notify(context.Background(), m); err != nil {
			t.Fatalf("%s: %v", c.locale, err)
		}
		w := lastWire(t, fake.Received())
		wp := w.Webpush
		n := wp.Notification
		if n.Title != c.title || n.Body != c.body || w.Notification["body"] != c.body {
			t.Errorf("%s private=%v: title %q body %q", c.locale, c.private, n.Title, n.Body)
		}
		raw := string(fake.Received()[len(fake.Received())-1].Raw)
		if c.mustNot != "" && strings.Contains(raw, c.mustNot) {
			t.Errorf("%s private: the drug name is on the wire: %s", c.locale, raw)
		}
		if c.mustHave != "" && !strings.Contains(n.Body, c.mustHave) {
			t.Errorf("%s public: body %q lacks the drug", c.locale, n.Body)
		}
		if len(n.Actions) != 2 || n.Actions[0].Action != "take" || n.Actions[0].Title != c.taken ||
			n.Actions[1].Action != "snooze" || n.Actions[1].Title != c.snooze {
			t.Errorf("%s: actions %+v", c.locale, n.Actions)
		}
		if wp.Headers["TTL"] != "3600" || wp.Headers["Urgency"] != "high" || n.Tag != "dose-42" || !n.RequireInteraction {
			t.Errorf("%s: headers %v tag %q", c.locale, wp.Headers, n.Tag)
		}
		if wp.Data["link"] != "/app/#/dose/42" || wp.Data["dose_id"] != "42" || wp.Data["action"] != "confirm_dose" {
			t.Errorf("%s: data %v", c.locale, wp.Data)
		}
		if n.Lang != c.locale[:2] || w.Android != nil {
			t.Errorf("%s: lang %q, android block %s (a web token needs none)", c.locale, n.Lang, w.Android)
		}
	}
}

// A caregiver's missed-dose alert carries Acknowledge, a 4 h TTL and a link
// to the alert; with an https app URL the link is also fcm_options.link.
func TestWebpushAlertOnTheWire(t *testing.T) {
	t.Parallel()
	ch, fake := channel(t)
	for _, c := range []struct{ locale, ack, body string }{
		{"en", "Acknowledge", "Ana missed the 8:00 dose"},
		{"es", "Confirmar aviso", "Ana no tomó la dosis de las 8:00"},
	} {
		p := store.OutboxPayload{Template: "missed_dose_caregiver", DoseID: 42, AlertID: 9, PatientName: "Ana", Medication: "Warfarin", LocalTime: "08:00"}
		m := &notify.Message{ID: 3, Kind: "escalation", Now: now, Payload: p, Recipient: notify.Recipient{Locale: c.locale, LockScreenPrivate: true},
			Target: &notify.Target{TokenID: 2, Token: "web-cg-" + c.locale, Platform: "web"}, Text: notify.Render(p, c.locale, true)}
		ch.SetAppURL("https://clinic.example/app/")
		if _, _, _, err := ch.Notify(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		wp := lastWire(t, fake.Received()).Webpush
		if wp.Notification.Body != c.body || len(wp.Notification.Actions) != 1 || wp.Notification.Actions[0].Action != "ack" ||
			wp.Notification.Actions[0].Title != c.ack {
			t.Errorf("%s: notification %+v", c.locale, wp.Notification)
		}
		if wp.Headers["TTL"] != "14400" || wp.Data["link"] != "/app/#/alerts/9" || wp.FCMOptions.Link != "https://clinic.example/app/#/alerts/9" {
			t.Errorf("%s: headers %v data %v link %q", c.locale, wp.Headers, wp.Data, wp.FCMOptions.Link)
		}
	}
}

func lastWire(t *testing.T, got []fcmfake.Received) wireWebpush {
	t.Helper()
	if len(got) == 0 || !got[len(got)-1].Accepted {
		t.Fatalf("nothing accepted: %+v", got)
	}
	var w wireWebpush
	if err := json.Unmarshal(got[len(got)-1].Raw, &w); err != nil {
		t.Fatal(err)
	}
	return w
}
