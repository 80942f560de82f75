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
// The log carries ids and the template name only, never the title or body:
// rendered texts name patients and drugs, and logs are not a place for
// health data.
type LogNotifier struct{ Logger *slog.Logger }

// Notify logs m and never fails.
func (l LogNotifier) Notify(_ context.Context, m *Message) (string, bool, time.Duration, error) {
	l.Logger.Info("notification delivered to log (no push provider configured)",
		"notification_id", m.ID, "recipient_id", m.Recipient.ID, "channel", m.Channel,
		"template", m.Payload.Template, "body_chars", len(m.Text.Body))
	return "log:" + m.Channel + ":not-sent:" + strconv.FormatInt(m.ID, 10), false, 0, nil
}
