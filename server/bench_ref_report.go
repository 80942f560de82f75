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

// refListMS times refListSQL (median of runs after one warm-up) for the
// physician's patients over the days-long period ending at now.
func refListMS(ctx context.Context, db *gorm.DB, physician string, now time.Time, days, runs int) (float64, error) {
	var ids []int64
	if err := db.WithContext(ctx).Raw(`SELECT ctm.patient_id FROM care_team_members ctm JOIN users u ON u.id = ctm.physician_id
		WHERE u.email = ?`, physician).Scan(&ids).Error; err != nil {
		return 0, err
	}
	from, to := now.Add(-time.Duration(days)*24*time.Hour), now
	prevFrom, recent := from.Add(-to.Sub(from)), to.Add(-72*time.Hour)
	var ms []float64
	for i := range max(runs, 1) + 1 {
		var out []struct{ PatientID int64 }
		t := time.Now()
		if err := db.WithContext(ctx).Raw(refListSQL, from, recent, recent, ids, prevFrom, to).Scan(&out).Error; err != nil {
			return 0, err
		}
		if i > 0 {
			ms = append(ms, float64(time.Since(t).Microseconds())/1000)
		}
	}
	sort.Float64s(ms)
	return ms[len(ms)/2], nil
}
