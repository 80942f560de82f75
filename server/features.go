package main

import "context"

// wireFeatures lets each feature add its routes (a.routes) and background
// workers (a.addWorker). Each feature is wired in a file of its own,
// wire_<feature>.go, so features can grow without touching each other.
func (a *app) wireFeatures(ctx context.Context) error {
	for _, wire := range []func(context.Context) error{
		a.wireAdmin, a.wireDispenser, a.wireSchedule, a.wireNotify, a.wireMobile, a.wireReport, a.wireMetrics, a.wireRetention, a.wireApp,
	} {
		if err := wire(ctx); err != nil {
			return err
		}
	}
	return nil
}
