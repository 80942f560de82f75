package fcm

import (
	"strconv"
	"strings"
	"time"

	"firebase.google.com/go/v4/messaging"
	"github.com/doseloop/doseloop/notify"
)

// Web push actions the app's service worker acts on without opening the app.
const (
	ActionTake   = "take"   // POST /v1/doses/{id}/take
	ActionSnooze = "snooze" // POST /v1/doses/{id}/snooze {"minutes":15}
	ActionAck    = "ack"    // POST /v1/alerts/{id}/ack
)

// actionTitles are the buttons' labels per language.
var actionTitles = map[string]map[string]string{
	"en": {ActionTake: "Taken", ActionSnooze: "Snooze 15 min", ActionAck: "Acknowledge"},
	"es": {ActionTake: "Tomada", ActionSnooze: "Posponer 15 min", ActionAck: "Confirmar aviso"},
}

// webpush builds the Webpush block for a browser token: the notification
// (title and body already rendered in the user's language and privacy
// setting), its action buttons, a link to the dose or alert, and the TTL
// and Urgency headers of RFC 8030. appURL, when an https URL, is also set
// as fcm_options.link (FCM accepts only absolute https links there).
func webpush(m *notify.Message, ttl time.Duration, appURL string) *messaging.WebpushConfig {
	d := data(m)
	d["link"] = Link(m)
	lang := language(m.Recipient.Locale)
	w := &messaging.WebpushConfig{
		Headers: map[string]string{
			"TTL":     strconv.Itoa(int(ttl / time.Second)),
			"Urgency": urgency(m),
			"Topic":   CollapseKey(m),
		},
		Data: d,
		Notification: &messaging.WebpushNotification{
			Title: m.Text.Title, Body: m.Text.Body, Language: lang,
			Icon: "/app/icon-192.png", Badge: "/app/badge.png", Tag: CollapseKey(m), Renotify: true,
			RequireInteraction: m.Payload.DoseID != 0 || m.Payload.AlertID != 0,
			Actions:            actions(m.Payload.Template, lang),
		},
	}
	if strings.HasPrefix(appURL, "https://") {
		w.FCMOptions = &messaging.WebpushFCMOptions{Link: strings.TrimSuffix(appURL, "/") + strings.TrimPrefix(d["link"], "/app")}
	}
	return w
}

// actions are the buttons for a template: Taken and Snooze on reminders,
// Taken on a patient's missed dose (a late take still counts), Acknowledge
// on a caregiver's alert.
func actions(template, lang string) []*messaging.WebpushNotificationAction {
	var names []string
	switch template {
	case "dose_reminder", "dose_rereminder":
		names = []string{ActionTake, ActionSnooze}
	case "missed_dose_patient":
		names = []string{ActionTake}
	case "missed_dose_caregiver", "device_offline":
		names = []string{ActionAck}
	}
	out := make([]*messaging.WebpushNotificationAction, 0, len(names))
	for _, n := range names {
		out = append(out, &messaging.WebpushNotificationAction{Action: n, Title: actionTitles[lang][n]})
	}
	return out
}

// Link is the app screen a tap opens: the dose, the alert or the dispenser.
func Link(m *notify.Message) string {
	p := m.Payload
	switch {
	case p.AlertID != 0 && p.Template != "missed_dose_patient":
		return "/app/#/alerts/" + strconv.FormatInt(p.AlertID, 10)
	case p.DoseID != 0:
		return "/app/#/dose/" + strconv.FormatInt(p.DoseID, 10)
	case p.Serial != "":
		return "/app/#/alerts"
	}
	return "/app/"
}

// urgency is RFC 8030's Urgency: dose reminders and escalations are
// time-sensitive ("high" wakes a sleeping phone); dispenser outages are not.
func urgency(m *notify.Message) string {
	if m.Payload.Template == "device_offline" && !m.Critical {
		return "normal"
	}
	return "high"
}

// language picks "en" or "es" from a locale like "es-MX".
func language(locale string) string {
	l, _, _ := strings.Cut(strings.ToLower(locale), "-")
	l, _, _ = strings.Cut(l, "_")
	if _, ok := actionTitles[l]; ok {
		return l
	}
	return "en"
}
