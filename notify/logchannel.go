package notify

import (
	"context"
	"log/slog"
	"strconv"
	"time"
)

// LogNotifier is the channel used when no push provider is configured (the
// embedded default) and for rows whose channel is "log": it writes the
// message to the structured log and records it as delivered-to-log, with a
// provider id starting "log:" so nobody mistakes it for a real delivery.
// Only lock-screen-private text (no drug names) is logged in full; for
// users who show drug names the body stays out of the log.
type LogNotifier struct{ Logger *slog.Logger }

// Notify logs m and never fails.
func (l LogNotifier) Notify(_ context.Context, m *Message) (string, bool, time.Duration, error) {
	body := "(not logged: shows drug names)"
	if m.Recipient.LockScreenPrivate {
		body = m.Text.Body
	}
	l.Logger.Info("notification delivered to log (no push provider configured)",
		"notification_id", m.ID, "recipient_id", m.Recipient.ID, "channel", m.Channel,
		"template", m.Payload.Template, "title", m.Text.Title, "body", body)
	return "log:" + m.Channel + ":not-sent:" + strconv.FormatInt(m.ID, 10), false, 0, nil
}
