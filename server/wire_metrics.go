package main

import (
	"context"
	"time"

	"github.com/doseloop/doseloop/metrics"
	"github.com/doseloop/doseloop/notify"
)

// wireMetrics points the metrics' database figures at this app's database.
// /metrics itself is mounted by the router, or on DOSELOOP_METRICS_ADDR.
func (a *app) wireMetrics(ctx context.Context) error {
	return metrics.UseDB(a.db, a.clock.Now)
}

// observeDispatch turns a dispatcher Tick's counts into send counters.
func observeDispatch(st notify.Stats, took time.Duration, err error) {
	metrics.ObserveJob("notify.dispatch", st.Claimed, took, err)
	for outcome, n := range map[string]int{"sent": st.Sent, "retry": st.Retried, "dead": st.Dead, "deferred": st.Deferred} {
		if n > 0 {
			metrics.Sends.WithLabelValues(outcome).Add(float64(n))
		}
	}
}
