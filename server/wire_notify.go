package main

import (
	"context"
	"fmt"
	"time"

	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/notify/fcm"
	"github.com/doseloop/doseloop/notify/webhook"
)

// dispatchLoops is how many dispatcher loops each replica runs; each sends
// up to Senders messages at once. Claims never overlap (SKIP LOCKED).
const dispatchLoops = 2

// wireNotify starts the outbox dispatcher (push through FCM when
// credentials are configured, else to the log; webhook when a URL is set)
// and the daily prune of stale push tokens. The mobile API registers
// tokens through notify.Tokens itself.
func (a *app) wireNotify(ctx context.Context) error {
	d := &notify.Dispatcher{DB: a.db, Clock: a.clock, Logger: a.log, Senders: 32, FallbackAfter: a.cfg.FallbackAfter,
		Observe: observeDispatch, Lease: a.cfg.dispatchLease}
	if a.cfg.FirebaseCredentialsFile != "" {
		ch, err := fcm.New(ctx, fcm.Config{CredentialsFile: a.cfg.FirebaseCredentialsFile, ProjectID: a.cfg.FirebaseProjectID, AppURL: a.cfg.AppURL})
		if err != nil {
			return fmt.Errorf("DOSELOOP_FIREBASE_CREDENTIALS_FILE: %w", err)
		}
		d.Push = ch
	} else {
		a.log.Info("no DOSELOOP_FIREBASE_CREDENTIALS_FILE: push notifications are written to the log, not sent")
	}
	if a.cfg.WebhookURL != "" {
		d.Webhook = webhook.New(a.cfg.WebhookURL, a.cfg.WebhookSecret)
	}
	for i := range dispatchLoops {
		a.addWorker(fmt.Sprintf("notify-dispatch-%d", i+1), func(ctx context.Context) error {
			return d.Run(ctx, time.Second)
		})
	}
	tokens := notify.Tokens{DB: a.db, Clock: a.clock}
	a.addWorker("notify-prune-tokens", func(ctx context.Context) error {
		for {
			if n, err := tokens.PruneStale(ctx, notify.StaleAfter); err != nil && ctx.Err() == nil {
				a.log.Error("notify: prune stale push tokens", "err", err)
			} else if n > 0 {
				a.log.Info("notify: pruned stale push tokens", "count", n)
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(24 * time.Hour):
			}
		}
	})
	return nil
}
