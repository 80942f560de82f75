package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store/retention"
)

// retentionEvery is how often the retention job runs; a lease makes one
// replica of the cluster do it.
const retentionEvery = 6 * time.Hour

// retentionHolder names this process in job_leases.
var retentionHolder = fmt.Sprintf("retention-%d-%d", os.Getpid(), time.Now().UnixNano())

// wireRetention runs the retention job (store/retention) with the scheduler:
// every replica may try, the "retention" lease lets one through.
func (a *app) wireRetention(context.Context) error {
	if !a.cfg.Scheduler {
		return nil
	}
	a.addWorker("retention", func(ctx context.Context) error {
		t := time.NewTicker(retentionEvery)
		defer t.Stop()
		for {
			a.runRetention(ctx)
			select {
			case <-ctx.Done():
				return nil
			case <-t.C:
			}
		}
	})
	return nil
}

func (a *app) runRetention(ctx context.Context) {
	now := a.clock.Now()
	ok, err := schedule.AcquireLease(ctx, a.db, "retention", retentionHolder, now, time.Hour)
	if err != nil || !ok {
		return
	}
	r, err := retention.Run(ctx, a.db, a.cfg.Retention, now)
	if err != nil {
		a.log.Error("retention failed", "err", err)
		return
	}
	a.log.Info("retention", "notifications_deleted", r.Notifications, "audit_deleted", r.Audit, "events_deleted", r.DoseEvents)
}
