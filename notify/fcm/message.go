package fcm

import (
	"strconv"
	"time"

	"firebase.google.com/go/v4/messaging"
	"github.com/doseloop/doseloop/notify"
)

// Build turns an outbox message into the FCM message for its target: a
// browser token ("web") gets a Webpush block, a phone Android and APNs
// blocks. appURL is the app's public https URL for fcm_options.link ("" to
// leave it out; the link is always in the data).
func Build(m *notify.Message, ttl time.Duration, appURL string) *messaging.Message {
	if m.Target.Platform == "web" {
		return &messaging.Message{Token: m.Target.Token, Notification: &messaging.Notification{Title: m.Text.Title, Body: m.Text.Body},
			Data: data(m), Webpush: webpush(m, ttl, appURL)}
	}
	collapse := CollapseKey(m)
	androidChannel := "doseloop_alerts"
	if m.Payload.Template == "dose_reminder" || m.Payload.Template == "dose_rereminder" {
		androidChannel = "doseloop_reminders"
	}
	return &messaging.Message{
		Token:        m.Target.Token,
		Notification: &messaging.Notification{Title: m.Text.Title, Body: m.Text.Body},
		Data:         data(m),
		Android: &messaging.AndroidConfig{
			Priority:     "high",
			CollapseKey:  collapse,
			TTL:          &ttl,
			Notification: &messaging.AndroidNotification{ChannelID: androidChannel, Tag: collapse},
		},
		APNS: &messaging.APNSConfig{
			Headers: map[string]string{
				"apns-priority":    "10",
				"apns-push-type":   "alert",
				"apns-collapse-id": collapse,
				"apns-expiration":  strconv.FormatInt(m.Now.Add(ttl).Unix(), 10),
			},
			Payload: &messaging.APNSPayload{Aps: &messaging.Aps{
				Alert:      &messaging.ApsAlert{Title: m.Text.Title, Body: m.Text.Body},
				Sound:      "default",
				ThreadID:   collapse,
				CustomData: map[string]interface{}{"interruption-level": "time-sensitive"},
			}},
		},
	}
}

// CollapseKey groups messages that replace each other on the device: all
// messages about one dose share "dose-<id>", so a re-reminder replaces the
// reminder instead of stacking.
func CollapseKey(m *notify.Message) string {
	p := m.Payload
	switch {
	case p.DoseID != 0:
		return "dose-" + strconv.FormatInt(p.DoseID, 10)
	case p.AlertID != 0:
		return "alert-" + strconv.FormatInt(p.AlertID, 10)
	case p.Serial != "":
		return "device-" + p.Serial
	}
	return "n-" + strconv.FormatInt(m.ID, 10)
}

// data is the payload the app acts on; FCM data values are strings.
func data(m *notify.Message) map[string]string {
	p := m.Payload
	d := map[string]string{
		"notification_id": strconv.FormatInt(m.ID, 10),
		"kind":            m.Kind,
		"template":        p.Template,
		"action":          action(p.Template),
	}
	for k, v := range map[string]int64{"dose_id": p.DoseID, "alert_id": p.AlertID, "patient_id": p.PatientID} {
		if v != 0 {
			d[k] = strconv.FormatInt(v, 10)
		}
	}
	return d
}

// action tells the app which screen to open.
func action(template string) string {
	switch template {
	case "dose_reminder", "dose_rereminder", "missed_dose_patient":
		return "confirm_dose"
	case "device_offline":
		return "open_device"
	}
	return "open_alert"
}
