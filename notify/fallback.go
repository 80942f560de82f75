package notify

import (
	"strings"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// ReasonFellBack is the dead reason of a push row whose message went out
// through the webhook channel instead (DOSELOOP_FALLBACK_AFTER).
const ReasonFellBack = "fell_back_to_webhook"

// kindEscalation is schedule.KindEscalation (notify does not import schedule).
const kindEscalation = "escalation"

// fallsBack reports whether a failing push row must go by webhook now: a
// critical escalation whose push has been failing for FallbackAfter, with
// a webhook channel to take it.
func (d *Dispatcher) fallsBack(row store.Notification, now time.Time) bool {
	return d.FallbackAfter > 0 && d.Webhook != nil && row.Channel == ChannelPush && row.Critical &&
		row.Kind == kindEscalation && now.Sub(row.CreatedAt) >= d.FallbackAfter
}

// waitOut is the outcome of a push row the provider outage holds up: fall
// back to the webhook when due, give up after OutageGiveUp, else wait for
// the next probe (or the fallback time, if sooner) with the attempt given back.
func (d *Dispatcher) waitOut(row store.Notification, probe time.Time, reason, pids string) outcome {
	now := d.Clock.Now()
	switch {
	case d.fallsBack(row, now):
		return outcome{state: outcomeFallback, reason: ReasonFellBack, providerID: pids}
	case now.Sub(row.CreatedAt) > d.OutageGiveUp:
		return outcome{state: outcomeDead, reason: ReasonProviderOutage + ": " + reason, providerID: pids}
	}
	if d.FallbackAfter > 0 && d.Webhook != nil && row.Critical && row.Kind == kindEscalation {
		if at := row.CreatedAt.Add(d.FallbackAfter); at.Before(probe) {
			probe = at
		}
	}
	return outcome{state: outcomeWaiting, reason: reason, providerID: pids, notBefore: probe}
}

// enqueueFallback writes the webhook copy of a push row, in the transaction
// that closes the push row. Its dedupe key is the webhook key of the same
// step, so a step that already names the webhook channel, or a second
// fallback, adds nothing: the webhook message goes out once.
func enqueueFallback(tx *gorm.DB, row store.Notification, now time.Time) error {
	key := strings.TrimSuffix(row.DedupeKey, ":"+ChannelPush) + ":" + ChannelWebhook
	n := store.Notification{DedupeKey: key, RecipientID: row.RecipientID, Channel: ChannelWebhook, Kind: row.Kind,
		Critical: row.Critical, PatientID: row.PatientID, DoseID: row.DoseID, AlertID: row.AlertID,
		Payload: row.Payload, State: store.NotifyPending, NotBefore: now, CreatedAt: now}
	return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "dedupe_key"}}, DoNothing: true}).Create(&n).Error
}
