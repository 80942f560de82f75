// Package notify delivers the notification outbox: a dispatcher that
// claims due rows, sends each through its channel and records the outcome,
// plus the push-token registry, message templates and delivery status.
//
// # Outbox row life
//
//	             claim (Tick)                    record
//	pending ─────────────────────▶ sending ─────────────────▶ sent   (provider id, sent_at)
//	   ▲   not_before <= now,        │  │
//	   │   attempts+1, lease         │  └──────────────────────▶ dead   (last_error = reason)
//	   │                             │
//	   └─────────────────────────────┘  retry: not_before = now + backoff (or Retry-After)
//	       also: quiet hours (non-critical) → pending until quiet end, attempt given back
//	       also: lease expired (worker died)  → the row is claimable again
//
// The pipeline follows Alertmanager's dedup → retry → record, each stage in
// its own file: claim.go (FOR UPDATE SKIP LOCKED on Postgres, plain UPDATE
// ... RETURNING in SQLite's single-writer transaction), dedup.go (skip
// devices that already accepted this row), send.go/push.go (channel choice,
// quiet hours, templates, per-device sends with SendTimeout), retry.go
// (exponential backoff with ±jitter, Retry-After wins when longer, bounded
// attempts), record.go (fenced by attempts, so a worker that lost its lease
// cannot overwrite the newer claim).
//
// # Channels
//
//   - "push": every enabled push token of the recipient, through Dispatcher.Push
//     (notify/fcm). A recipient without tokens makes the row dead with
//     reason "no_push_token" (it does not silently fall back to webhook:
//     the escalation decides channels, see below). With no Firebase
//     credentials Push is nil and push rows go to the log channel.
//   - "webhook": one signed POST through Dispatcher.Webhook (notify/webhook);
//     dead with "webhook_not_configured" when no URL is set.
//   - "log": LogNotifier, recorded as sent with provider_id "log:<channel>:not-sent:<id>"
//     so a demo shows what would have been sent and nobody mistakes it for a
//     delivery (Delivery.ToLog is true).
//
// An escalation that names push and webhook (FCM's terms: push must not be
// the only path for urgent alerts) writes one row per channel, with
// EnqueueChannels or with dedupe keys ending ":push" / ":webhook"; each row
// is retried and recorded on its own.
//
// # Delivery guarantees: at-least-once, and the window
//
// A row is sent only while claimed, and a sent row is never claimed again,
// so the same dedupe key is never delivered twice once its outcome is
// recorded. A push row's provider_id lists which tokens accepted it
// ("t<token id>=<message name> ..."), so a retry after a partial failure
// only goes to the devices that did not get it.
//
// The window: if the process dies (or its database write fails) after a
// provider accepted a message and before record commits, the row stays
// "sending" until its lease (default 2 minutes) ends and is then sent once
// more. That duplicate is the price of never losing a row; the FCM collapse
// key (one per dose) makes the second copy replace the first on the device,
// and webhook receivers can drop it by X-DoseLoop-Delivery. SendTimeout
// (30s) is kept well below the lease so a slow send never overlaps a
// reclaim by another worker.
//
// # Text, privacy and quiet hours
//
// Render picks the template by payload.Template and the recipient's
// locale (en, es; others fall back to English). users.lock_screen_private
// (the default) shows "Time for your 8:00 medication" instead of the drug
// name. users.quiet_start/quiet_end ("HH:MM", wrapping midnight) are read
// in the recipient's own patient zone, else the clinic's zone; non-critical
// rows falling inside are deferred to the end of the quiet period, critical
// ones are sent at once.
//
// # API for other packages
//
//   - Tokens{DB, Clock}: Upsert(ctx, TokenInput) registers/refreshes a device
//     (apperr.Invalid on bad input), Remove(ctx, userID, token), Disable,
//     List(ctx, userID), PruneStale(ctx, StaleAfter). auth.Logout deletes a
//     session's tokens by session_id.
//   - DeliveryStatus(ctx, db, alertIDs) map[alertID][]Delivery: whether and
//     when each alert's notifications were delivered (callers check access).
//   - EnqueueChannels(tx, n, payload, channels...): one outbox row per channel.
//   - Dispatcher{DB, Clock, Push, Webhook}.Tick(ctx) for tests, Run(ctx, idle)
//     for the worker.
package notify
