package notify

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/doseloop/doseloop/faults/crashpoint"
	"github.com/doseloop/doseloop/store"
)

// process runs the stages before record for one claimed row.
func (d *Dispatcher) process(ctx context.Context, row store.Notification, recips map[int64]Recipient, targets []Target) outcome {
	now := d.Clock.Now()
	var p store.OutboxPayload
	if err := json.Unmarshal([]byte(row.Payload), &p); err != nil {
		return dead(ReasonBadPayload)
	}
	r, ok := recips[row.RecipientID]
	if !ok || r.Disabled {
		return dead(ReasonRecipientDisabled)
	}
	if !row.Critical {
		if until, quiet := QuietUntil(now, r.Zone, r.QuietStart, r.QuietEnd); quiet {
			return outcome{state: outcomeDeferred, notBefore: until, providerID: row.ProviderID}
		}
	}
	m := &Message{ID: row.ID, DedupeKey: row.DedupeKey, Kind: row.Kind, Critical: row.Critical, Channel: row.Channel,
		Recipient: r, Payload: p, Text: Render(p, r.Locale, r.LockScreenPrivate), CreatedAt: row.CreatedAt, Now: now}
	switch {
	case row.Channel == ChannelPush && d.Push != nil:
		if probe, down := d.pushDown.blocked(now); down {
			return d.waitOut(row, probe, "push provider unavailable", row.ProviderID)
		}
		return d.sendPush(ctx, row, m, targets)
	case row.Channel == ChannelPush, row.Channel == ChannelLog:
		return d.sendOne(ctx, row, d.Log, m)
	case row.Channel == ChannelWebhook && d.Webhook != nil:
		return d.sendOne(ctx, row, d.Webhook, m)
	case row.Channel == ChannelWebhook:
		return dead(ReasonWebhookMissing)
	}
	return dead(ReasonUnknownChannel)
}

// sendOne sends a single-target message (webhook, log).
func (d *Dispatcher) sendOne(ctx context.Context, row store.Notification, n Notifier, m *Message) outcome {
	sctx, cancel := context.WithTimeout(ctx, d.SendTimeout)
	defer cancel()
	pid, retryable, after, err := n.Notify(sctx, m)
	if err == nil {
		crashpoint.Hit("notify.sent") // crash tests: accepted, not recorded
		return outcome{state: outcomeSent, providerID: pid}
	}
	if !retryable {
		return dead(err.Error())
	}
	return d.retry(row, err.Error(), after, "")
}

// retry schedules the next attempt, or gives up after MaxAttempts.
func (d *Dispatcher) retry(row store.Notification, reason string, after time.Duration, providerID string) outcome {
	if d.Backoff.Exhausted(row.Attempts) {
		return outcome{state: outcomeDead, reason: ReasonMaxAttempts + ": " + reason, providerID: providerID}
	}
	wait := d.Backoff.Delay(row.Attempts, after, d.Rand())
	return outcome{state: outcomeRetry, reason: reason, providerID: providerID, notBefore: d.Clock.Now().Add(wait)}
}

// isBadToken reports whether err says the push token is gone.
func isBadToken(err error) bool { return errors.Is(err, ErrBadToken) }
