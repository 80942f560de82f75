package main

import (
	"context"
	"sort"
	"time"

	"gorm.io/gorm"
)

// refListSQL is bench report's physical reference: one hand-written
// aggregate computing the list's figures (doses due, taken, on time,
// missed, skipped, days and covered days, for the period and the period
// before it, and the last 72 h) over the same dose rows, for patient ids
// passed in, with none of the list's scoping, exclusions or rendering.
const refListSQL = `
SELECT patient_id, bucket, count(*) AS days, sum(covered) AS covered, sum(due) AS due, sum(taken) AS taken,
	sum(on_time) AS on_time, sum(missed) AS missed, sum(skipped) AS skipped, sum(recent_due) AS recent_due, sum(recent_taken) AS recent_taken
FROM (
	SELECT patient_id, CASE WHEN scheduled_at >= ? THEN 1 ELSE 0 END AS bucket, local_date, count(*) AS due,
		sum(CASE WHEN state = 'taken' THEN 1 ELSE 0 END) AS taken,
		sum(CASE WHEN state = 'taken' AND on_time THEN 1 ELSE 0 END) AS on_time,
		sum(CASE WHEN state = 'missed' THEN 1 ELSE 0 END) AS missed,
		sum(CASE WHEN state = 'skipped' THEN 1 ELSE 0 END) AS skipped,
		sum(CASE WHEN scheduled_at >= ? THEN 1 ELSE 0 END) AS recent_due,
		sum(CASE WHEN scheduled_at >= ? AND state = 'taken' THEN 1 ELSE 0 END) AS recent_taken,
		CASE WHEN sum(CASE WHEN state = 'taken' THEN 1 ELSE 0 END) = count(*) THEN 1 ELSE 0 END AS covered
	FROM dose_instances
	WHERE patient_id IN ? AND scheduled_at >= ? AND scheduled_at < ? AND state IN ('taken', 'missed', 'skipped')
	GROUP BY 1, 2, 3
) per_day
GROUP BY 1, 2`

// refRollupSQL is the same figures from the rollup the list reads
// (adherence_days, one row per patient and local day, its packed counts):
// the list's floor.
const refRollupSQL = `
SELECT patient_id, CASE WHEN local_date >= ? THEN 1 ELSE 0 END AS cur, sum(counts_a), sum(counts_b),
	max(last_due_at) >= ? AS recent_due, max(last_taken_at) >= ? AS recent_taken
FROM adherence_days
WHERE patient_id IN ? AND local_date >= ? AND local_date <= ?
GROUP BY 1, 2`

// listRefs are bench report's two references, in milliseconds (medians).
type listRefs struct{ doses, rollup float64 }

// refListMS times refListSQL and refRollupSQL (median of runs after one
// warm-up each) for the physician's patients over the days-long period
// ending at now (New York dates, the bench's zone, for the rollup).
func refListMS(ctx context.Context, db *gorm.DB, physician string, now time.Time, days, runs int) (listRefs, error) {
	var ids []int64
	if err := db.WithContext(ctx).Raw(`SELECT ctm.patient_id FROM care_team_members ctm JOIN users u ON u.id = ctm.physician_id
		WHERE u.email = ?`, physician).Scan(&ids).Error; err != nil {
		return listRefs{}, err
	}
	from, to := now.Add(-time.Duration(days)*24*time.Hour), now
	prevFrom, recent := from.Add(-to.Sub(from)), to.Add(-72*time.Hour)
	doses, err := medianMS(ctx, db, runs, refListSQL, from, recent, recent, ids, prevFrom, to)
	if err != nil {
		return listRefs{}, err
	}
	zone, _ := time.LoadLocation("America/New_York")
	date := func(t time.Time) string { return t.In(zone).Format(time.DateOnly) }
	rollup, err := medianMS(ctx, db, runs, refRollupSQL, date(from), recent, recent, ids, date(prevFrom), date(to))
	return listRefs{doses, rollup}, err
}

// medianMS runs sql runs times after one warm-up and returns the median.
func medianMS(ctx context.Context, db *gorm.DB, runs int, sql string, args ...any) (float64, error) {
	var ms []float64
	for i := range max(runs, 1) + 1 {
		var out []struct{ PatientID int64 }
		t := time.Now()
		if err := db.WithContext(ctx).Raw(sql, args...).Scan(&out).Error; err != nil {
			return 0, err
		}
		if i > 0 {
			ms = append(ms, float64(time.Since(t).Microseconds())/1000)
		}
	}
	sort.Float64s(ms)
	return ms[len(ms)/2], nil
}
