package notify

import "time"

// What the send stage decided for a row; record writes it.
const (
	outcomeSent     = "sent"
	outcomeRetry    = "retry"
	outcomeDead     = "dead"
	outcomeDeferred = "deferred" // quiet hours: back to pending, attempt not counted
	outcomeWaiting  = "waiting"  // provider outage: back to pending, attempt not counted, reason kept
	outcomeFallback = "fallback" // push given up for the webhook copy (fallback.go)
)

type outcome struct {
	state      string
	providerID string
	reason     string    // dead reason or last retryable error
	notBefore  time.Time // retry and deferred
}

func dead(reason string) outcome { return outcome{state: outcomeDead, reason: reason} }

// Dead-letter reasons the dispatcher itself assigns (notifiers add theirs,
// e.g. "fcm SENDER_ID_MISMATCH: ...").
const (
	ReasonNoPushToken       = "no_push_token"
	ReasonUnregistered      = "unregistered"
	ReasonRecipientDisabled = "recipient_disabled"
	ReasonBadPayload        = "bad_payload"
	ReasonWebhookMissing    = "webhook_not_configured"
	ReasonUnknownChannel    = "unknown_channel"
	ReasonMaxAttempts       = "max_attempts"
)
