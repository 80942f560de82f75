// Package webhook is the channel for SMS/voice gateways and clinic systems:
// each outbox row is POSTed as JSON to one configured URL
// (DOSELOOP_WEBHOOK_URL), signed with HMAC-SHA256 (DOSELOOP_WEBHOOK_SECRET).
//
// Request headers:
//
//	Content-Type: application/json
//	X-DoseLoop-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>
//	X-DoseLoop-Delivery: <dedupe key>   (the same on every retry: use it to drop duplicates)
//
// A receiver checks the signature with Verify (or recomputes it: the
// signed string is the decimal timestamp, a dot, and the raw body bytes),
// rejecting timestamps outside its tolerance to stop replays. Several v1=
// entries may appear during a secret rotation; any match is enough.
//
// Outcome: 2xx = sent; 5xx, 408, 429 and network errors/timeouts = retry
// (Retry-After honoured); any other 4xx = dead with "webhook HTTP <code>".
//
// Body (see Payload): the delivery id, kind, criticality, recipient id and
// locale, the rendered title/body (already respecting lock-screen privacy)
// and ids (patient, dose, alert, escalation step), never more health detail.
package webhook
