package report

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

func listPatients(ctx context.Context, db *gorm.DB, pr auth.Principal, from time.Time, search string) ([]patientFlagsRow, error) {
	q := db.WithContext(ctx).Table("patients p").Select(`p.id, p.name, p.time_zone,
		EXISTS (SELECT 1 FROM regimens r JOIN medications m ON m.id = r.medication_id
			WHERE r.patient_id = p.id AND m.antiretroviral AND NOT r.as_needed AND (r.stopped_at IS NULL OR r.stopped_at > ?)) AS arv,
		EXISTS (SELECT 1 FROM dispenser_outages o WHERE o.patient_id = p.id AND o.ended_at IS NULL) AS offline,
		EXISTS (SELECT 1 FROM alerts a WHERE a.patient_id = p.id AND a.closed_at IS NULL AND a.critical) AS critical`, from).
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
// local day, then per patient and bucket (1 = the window, 0 = the window
// before it, for the trend). Windows are local dates, which differ by time
// zone: the joined table w (windowsSQL) gives each zone its dates. Every counted dose is one dose due, so a day is
// covered exactly when every counted dose that day was taken, which is the
// per-regimen rule of Compute without a third level of grouping. Positional
// GROUP BY keeps the bucket expression one expression for Postgres.
const bucketSQL = `
SELECT patient_id, bucket, COUNT(*) AS days, SUM(covered) AS covered, SUM(due) AS due, SUM(taken) AS taken,
	SUM(on_time) AS on_time, SUM(missed) AS missed, SUM(skipped) AS skipped,
	SUM(recent_due) AS recent_due, SUM(recent_taken) AS recent_taken
FROM (
	SELECT d.patient_id, CASE WHEN d.local_date >= w.cur_from THEN 1 ELSE 0 END AS bucket, d.local_date,
		COUNT(*) AS due,
		SUM(CASE WHEN d.state = 'taken' THEN 1 ELSE 0 END) AS taken,
		SUM(CASE WHEN d.state = 'taken' AND d.on_time THEN 1 ELSE 0 END) AS on_time,
		SUM(CASE WHEN d.state = 'missed' THEN 1 ELSE 0 END) AS missed,
		SUM(CASE WHEN d.state = 'skipped' THEN 1 ELSE 0 END) AS skipped,
		SUM(CASE WHEN d.scheduled_at >= ? THEN 1 ELSE 0 END) AS recent_due,
		SUM(CASE WHEN d.scheduled_at >= ? AND d.state = 'taken' THEN 1 ELSE 0 END) AS recent_taken,
		CASE WHEN SUM(CASE WHEN d.state = 'taken' THEN 1 ELSE 0 END) = COUNT(*) THEN 1 ELSE 0 END AS covered
	FROM dose_instances d
	JOIN patients p ON p.id = d.patient_id
	JOIN (%s) w ON w.tz = p.time_zone
	WHERE d.patient_id IN (?) AND d.local_date >= w.prev_from AND d.local_date <= w.last_day
		AND d.state IN ('taken', 'missed', 'skipped')
		AND NOT (d.state = 'missed' AND d.during_outage)
		AND NOT d.excluded
		AND d.regimen_id NOT IN (SELECT id FROM regimens WHERE as_needed)
		AND NOT EXISTS (SELECT 1 FROM patient_absences a WHERE a.patient_id = d.patient_id
			AND d.scheduled_at >= a.starts_at AND d.scheduled_at < a.ends_at)
	GROUP BY 1, 2, 3
) pd
GROUP BY patient_id, bucket`

// zoneWindows is each listed zone's window (the zone as stored, even one
// that no longer loads and is read as UTC).
func zoneWindows(pts []patientFlagsRow, days int, now time.Time) map[string]Window {
	out := map[string]Window{}
	for _, p := range pts {
		if _, ok := out[p.TimeZone]; !ok {
			out[p.TimeZone] = LastDays(days, PatientZone(&store.Patient{TimeZone: p.TimeZone}), now)
		}
	}
	return out
}

// windowsSQL is a constant table (tz, cur_from, prev_from, last_day) of the
// windows, as portable SQL (UNION ALL of SELECTs), and its arguments.
func windowsSQL(wins map[string]Window) (string, []any) {
	var parts []string
	var args []any
	for tz, w := range wins {
		parts = append(parts, "SELECT CAST(? AS TEXT) AS tz, CAST(? AS TEXT) AS cur_from, CAST(? AS TEXT) AS prev_from, CAST(? AS TEXT) AS last_day")
		args = append(args, tz, w.From, w.Previous().From, w.To)
	}
	return strings.Join(parts, " UNION ALL "), args
}

func listBuckets(ctx context.Context, db *gorm.DB, pr auth.Principal, wins map[string]Window, now time.Time) ([]bucketRow, error) {
	var out []bucketRow
	if len(wins) == 0 {
		return out, nil
	}
	table, targs := windowsSQL(wins)
	recent := now.Add(-holidayNowWindow)
	args := append(append([]any{recent, recent}, targs...), auth.VisiblePatients(db, pr))
	err := db.WithContext(ctx).Raw(fmt.Sprintf(bucketSQL, table), args...).Scan(&out).Error
	return out, err
}
