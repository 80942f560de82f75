package report

import (
	"context"
	"strings"

	"github.com/doseloop/doseloop/auth"
	"gorm.io/gorm"
)

func listPatients(ctx context.Context, db *gorm.DB, pr auth.Principal, p Interval, search string) ([]patientFlagsRow, error) {
	q := db.WithContext(ctx).Table("patients p").Select(`p.id, p.name,
		EXISTS (SELECT 1 FROM regimens r JOIN medications m ON m.id = r.medication_id
			WHERE r.patient_id = p.id AND m.antiretroviral AND NOT r.as_needed AND (r.stopped_at IS NULL OR r.stopped_at > ?)) AS arv,
		EXISTS (SELECT 1 FROM dispenser_outages o WHERE o.patient_id = p.id AND o.ended_at IS NULL) AS offline,
		EXISTS (SELECT 1 FROM alerts a WHERE a.patient_id = p.id AND a.closed_at IS NULL AND a.critical) AS critical`, p.From).
		Where("p.id IN (?)", auth.VisiblePatients(db, pr))
	if s := strings.TrimSpace(search); s != "" {
		q = q.Where("lower(p.name) LIKE ?", "%"+strings.ToLower(escapeLike(s))+"%")
	}
	var out []patientFlagsRow
	err := q.Order("p.name, p.id").Scan(&out).Error
	return out, err
}

func escapeLike(s string) string {
	return strings.NewReplacer("%", "", "_", "").Replace(s)
}

// bucketSQL aggregates counted doses (see the package doc) per patient and
// local day, then per patient and bucket (1 = the period, 0 = the period
// before it, for the trend). Every counted dose is one dose due, so a day is
// covered exactly when every counted dose that day was taken, which is the
// per-regimen rule of Compute without a third level of grouping. Positional
// GROUP BY keeps the bucket expression one expression for Postgres.
const bucketSQL = `
SELECT patient_id, bucket, COUNT(*) AS days, SUM(covered) AS covered, SUM(due) AS due, SUM(taken) AS taken,
	SUM(on_time) AS on_time, SUM(missed) AS missed, SUM(skipped) AS skipped,
	SUM(recent_due) AS recent_due, SUM(recent_taken) AS recent_taken
FROM (
	SELECT d.patient_id, CASE WHEN d.scheduled_at >= ? THEN 1 ELSE 0 END AS bucket, d.local_date,
		COUNT(*) AS due,
		SUM(CASE WHEN d.state = 'taken' THEN 1 ELSE 0 END) AS taken,
		SUM(CASE WHEN d.state = 'taken' AND d.on_time THEN 1 ELSE 0 END) AS on_time,
		SUM(CASE WHEN d.state = 'missed' THEN 1 ELSE 0 END) AS missed,
		SUM(CASE WHEN d.state = 'skipped' THEN 1 ELSE 0 END) AS skipped,
		SUM(CASE WHEN d.scheduled_at >= ? THEN 1 ELSE 0 END) AS recent_due,
		SUM(CASE WHEN d.scheduled_at >= ? AND d.state = 'taken' THEN 1 ELSE 0 END) AS recent_taken,
		CASE WHEN SUM(CASE WHEN d.state = 'taken' THEN 1 ELSE 0 END) = COUNT(*) THEN 1 ELSE 0 END AS covered
	FROM dose_instances d
	WHERE d.patient_id IN (?) AND d.scheduled_at >= ? AND d.scheduled_at < ?
		AND d.state IN ('taken', 'missed', 'skipped')
		AND NOT (d.state = 'missed' AND d.during_outage)
		AND d.regimen_id NOT IN (SELECT id FROM regimens WHERE as_needed)
		AND NOT EXISTS (SELECT 1 FROM patient_absences a WHERE a.patient_id = d.patient_id
			AND d.scheduled_at >= a.starts_at AND d.scheduled_at < a.ends_at)
	GROUP BY 1, 2, 3
) pd
GROUP BY patient_id, bucket`

func listBuckets(ctx context.Context, db *gorm.DB, pr auth.Principal, p Interval) ([]bucketRow, error) {
	prevFrom := p.From.Add(-p.To.Sub(p.From))
	recent := p.To.Add(-holidayNowWindow)
	var out []bucketRow
	err := db.WithContext(ctx).Raw(bucketSQL, p.From, recent, recent, auth.VisiblePatients(db, pr), prevFrom, p.To).
		Scan(&out).Error
	return out, err
}
