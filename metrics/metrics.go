package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Registry holds every DoseLoop metric plus the Go runtime and process
// collectors. It is not the global default registry, so tests can scrape
// exactly what the server exports.
var Registry = prometheus.NewRegistry()

var (
	// HTTPRequests counts answered requests by route pattern, method and status.
	HTTPRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "doseloop_http_requests_total", Help: "HTTP requests answered, by route pattern, method and status code.",
	}, []string{"route", "method", "status"})
	// HTTPDuration is request latency by route pattern and method.
	HTTPDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "doseloop_http_request_duration_seconds", Help: "HTTP request latency, by route pattern and method.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method"})
	// DispenserEvents counts device events by outcome (accepted, duplicate,
	// rejected) and reason (empty unless rejected or flagged).
	DispenserEvents = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "doseloop_dispenser_events_total", Help: "Dispenser events answered, by outcome and reason.",
	}, []string{"outcome", "reason"})
	// JobRuns counts scheduler and dispatcher job runs by job and result (ok, error).
	JobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "doseloop_job_runs_total", Help: "Background job runs, by job and result (ok, error).",
	}, []string{"job", "result"})
	// JobRows counts the rows each job changed (doses flagged missed, steps escalated, ...).
	JobRows = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "doseloop_job_rows_total", Help: "Rows changed by background jobs, by job.",
	}, []string{"job"})
	// JobDuration is how long one run of a job took.
	JobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "doseloop_job_duration_seconds", Help: "Background job run time, by job.",
		Buckets: []float64{.001, .01, .05, .1, .5, 1, 5, 15, 60},
	}, []string{"job"})
	// JobLastSuccess is the Unix time of each job's last successful run (for lag alerts).
	JobLastSuccess = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "doseloop_job_last_success_timestamp_seconds", Help: "Unix time of the last successful run, by job.",
	}, []string{"job"})
	// Sends counts notification send outcomes (sent, retry, dead, deferred).
	Sends = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "doseloop_notification_sends_total", Help: "Notification send outcomes by this replica, by outcome.",
	}, []string{"outcome"})
)

func init() {
	Registry.MustRegister(HTTPRequests, HTTPDuration, DispenserEvents, JobRuns, JobRows, JobDuration,
		JobLastSuccess, Sends,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}
