package metrics

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"gorm.io/gorm"
)

// scrapeTimeout bounds the database queries of one scrape, so a slow
// database makes a scrape incomplete, never a pile of waiting scrapes.
const scrapeTimeout = 3 * time.Second

var (
	dosesDesc = prometheus.NewDesc("doseloop_doses", "Doses scheduled in the last 24 hours, by state.",
		[]string{"state"}, nil)
	outboxDepthDesc = prometheus.NewDesc("doseloop_outbox_depth", "Notifications waiting to be sent (pending or sending), by channel.",
		[]string{"channel"}, nil)
	outboxAgeDesc = prometheus.NewDesc("doseloop_outbox_oldest_age_seconds", "Age of the oldest due notification still waiting, by channel.",
		[]string{"channel"}, nil)
	alertsDesc = prometheus.NewDesc("doseloop_open_alerts", "Open escalations (missed dose, device offline), by kind.",
		[]string{"kind"}, nil)
	tokensDesc = prometheus.NewDesc("doseloop_push_tokens_disabled", "Push tokens disabled so far, by reason (unregistered, stale, ...).",
		[]string{"reason"}, nil)
	auditDesc = prometheus.NewDesc("doseloop_audit_log_rows", "Rows in the audit log (the length of the audit chain).", nil, nil)
	upDesc    = prometheus.NewDesc("doseloop_database_up", "1 when the last scrape's database queries all succeeded.", nil, nil)
)

// DBCollector reads state figures from the database at scrape time.
type DBCollector struct {
	DB  *gorm.DB
	Now func() time.Time
}

var (
	mu      sync.Mutex
	current []prometheus.Collector // the database collectors now registered
)

// UseDB points the database figures and the connection-pool statistics at
// db. A process normally calls it once; a later call (tests build several
// servers in one process) replaces the earlier database.
func UseDB(db *gorm.DB, now func() time.Time) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	for _, c := range current {
		Registry.Unregister(c)
	}
	current = []prometheus.Collector{collectors.NewDBStatsCollector(sqlDB, "doseloop"), &DBCollector{DB: db, Now: now}}
	for _, c := range current {
		if err := Registry.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// Describe sends every descriptor the collector may emit.
func (d *DBCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, desc := range []*prometheus.Desc{dosesDesc, outboxDepthDesc, outboxAgeDesc, alertsDesc, tokensDesc, auditDesc, upDesc} {
		ch <- desc
	}
}

// Collect runs the scrape's queries; a failed query drops its figures and
// sets doseloop_database_up to 0.
func (d *DBCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	db, now, up := d.DB.WithContext(ctx), d.Now().UTC(), 1.0
	for _, q := range []func(*gorm.DB, time.Time, chan<- prometheus.Metric) error{collectDoses, collectOutbox, collectAlerts, collectTokens, collectAudit} {
		if err := q(db, now, ch); err != nil {
			slog.Warn("metrics: database query failed", "err", err)
			up = 0
		}
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, up)
}
