// Package metrics exposes DoseLoop's Prometheus metrics at /metrics.
//
// Two kinds live here. Counters and histograms that feature packages bump
// as things happen (HTTP requests, dispenser events, scheduler jobs,
// notification sends, token disables) are package-level vectors registered
// on Registry. Figures that are state, not events (doses by state, outbox
// depth and oldest age, audit-chain length, the connection pool), are read
// from the database at scrape time by a Collector, so every replica reports
// the same truth and nothing is double-counted when replicas restart.
//
// The metric names, their labels and the alerts an operator should set are
// listed in deploy/prometheus/README.md and deploy/prometheus/rules.yml.
package metrics
