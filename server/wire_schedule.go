package main

import (
	"context"
	"time"

	"github.com/doseloop/doseloop/metrics"

	"github.com/doseloop/doseloop/schedule"
)

// wireSchedule mounts the regimen API and, when DOSELOOP_SCHEDULER is on,
// the scheduler: horizon expansion at start, minute jobs, nightly extension.
// Every replica may run it; claims and leases keep work done once.
func (a *app) wireSchedule(ctx context.Context) error {
	api := &schedule.API{DB: a.db, Clock: a.clock, Auth: a.auth, Horizon: schedule.DefaultHorizon}
	a.routes = append(a.routes, api.Register)
	if a.cfg.Scheduler {
		s := schedule.New(a.db, a.clock)
		s.Log = a.log
		s.Observe = func(job string, n int, took time.Duration, err error) {
			metrics.ObserveJob("schedule."+job, n, took, err)
		}
		a.addWorker("scheduler", s.Run)
	}
	return nil
}
