// Package fcm is the push channel: it sends outbox messages through the
// Firebase Admin SDK (firebase.google.com/go/v4/messaging) and classifies
// the SDK's errors for the dispatcher.
//
// Message shape (see Build): a notification (title/body from the
// templates), a data payload the app acts on (notification_id, kind,
// template, action, dose_id, alert_id, patient_id), Android priority high
// with a collapse key per dose ("dose-<id>", so a re-reminder replaces the
// reminder) and a TTL (1h for reminders, 4h for alerts), APNs headers
// apns-priority 10, apns-push-type alert, apns-collapse-id, apns-expiration
// and "interruption-level": "time-sensitive" in the aps dictionary.
//
// Error classification (Classify) runs on the SDK's own error value,
// because messaging.IsUnregistered and friends type-assert and do not see
// through %w wrapping:
//
//	UNREGISTERED, INVALID_ARGUMENT about the token → notify.ErrBadToken (token disabled)
//	UNAVAILABLE, INTERNAL, QUOTA_EXCEEDED, timeouts  → retry (Retry-After honoured)
//	SENDER_ID_MISMATCH, THIRD_PARTY_AUTH_ERROR       → dead, reason names the fix
//	other INVALID_ARGUMENT / 4xx                      → dead
//
// The SDK itself retries 503s and network errors up to 4 times inside one
// Send (sleeping for Retry-After when it is at most 2 minutes). The
// dispatcher bounds each Send with its SendTimeout, shorter than its lease,
// so those in-SDK retries can never outlive the claim; whatever is left is
// retried by the outbox with its own backoff.
package fcm
