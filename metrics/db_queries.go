package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"gorm.io/gorm"
)

// labelled is one row of a GROUP BY: a label value, a count and, where the
// query has one, the oldest instant of the group.
type labelled struct {
	Label  string
	N      float64
	Oldest *time.Time
}

func groups(db *gorm.DB, sql string, args ...any) ([]labelled, error) {
	var rows []labelled
	err := db.Raw(sql, args...).Scan(&rows).Error
	return rows, err
}

func collectDoses(db *gorm.DB, now time.Time, ch chan<- prometheus.Metric) error {
	rows, err := groups(db, `SELECT state AS label, COUNT(*) AS n FROM dose_instances
		WHERE scheduled_at >= ? AND scheduled_at < ? GROUP BY state`, now.Add(-24*time.Hour), now)
	for _, r := range rows {
		ch <- prometheus.MustNewConstMetric(dosesDesc, prometheus.GaugeValue, r.N, r.Label)
	}
	return err
}

func collectOutbox(db *gorm.DB, now time.Time, ch chan<- prometheus.Metric) error {
	rows, err := groups(db, `SELECT channel AS label, COUNT(*) AS n, MIN(not_before) AS oldest FROM notifications
		WHERE state IN ('pending','sending') GROUP BY channel`)
	for _, r := range rows {
		ch <- prometheus.MustNewConstMetric(outboxDepthDesc, prometheus.GaugeValue, r.N, r.Label)
		age := 0.0
		if r.Oldest != nil && now.After(*r.Oldest) {
			age = now.Sub(*r.Oldest).Seconds() // rows not yet due are waiting on purpose
		}
		ch <- prometheus.MustNewConstMetric(outboxAgeDesc, prometheus.GaugeValue, age, r.Label)
	}
	return err
}

func collectAlerts(db *gorm.DB, _ time.Time, ch chan<- prometheus.Metric) error {
	rows, err := groups(db, `SELECT kind AS label, COUNT(*) AS n FROM alerts WHERE closed_at IS NULL GROUP BY kind`)
	for _, r := range rows {
		ch <- prometheus.MustNewConstMetric(alertsDesc, prometheus.GaugeValue, r.N, r.Label)
	}
	return err
}

func collectTokens(db *gorm.DB, _ time.Time, ch chan<- prometheus.Metric) error {
	rows, err := groups(db, `SELECT disabled_reason AS label, COUNT(*) AS n FROM push_tokens
		WHERE disabled_at IS NOT NULL GROUP BY disabled_reason`)
	for _, r := range rows {
		ch <- prometheus.MustNewConstMetric(tokensDesc, prometheus.GaugeValue, r.N, r.Label)
	}
	return err
}

func collectAudit(db *gorm.DB, _ time.Time, ch chan<- prometheus.Metric) error {
	var n float64
	err := db.Raw(`SELECT COUNT(*) FROM audit_log`).Scan(&n).Error
	if err == nil {
		ch <- prometheus.MustNewConstMetric(auditDesc, prometheus.GaugeValue, n)
	}
	return err
}
