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

// rollupSQL sums the adherence_days rollup (migration 00200: per patient
// and local day, the counted doses of report/doc.go, kept by triggers in the
// transaction that changes a dose) per patient over the window (cur = 1) and
// the window before it (cur = 0, for the trend). Windows are local dates,
// which differ by time zone: the visible patients joined with the table w
// (windowsSQL) give each patient its dates, in one join with the rollup
// rows. Every counted dose is one dose due, so a day is covered exactly
// when all its counted doses were taken (Compute's per-regimen rule), and a
// day's latest due and taken instants decide "holiday now". It reads one
// row per patient-day, not one per dose; overdue adds what it cannot hold.
const rollupSQL = `
SELECT a.patient_id, CASE WHEN a.local_date >= pw.cur_from THEN 1 ELSE 0 END AS cur,
	SUM(a.counted) AS days, SUM(a.covered) AS covered, SUM(a.due) AS due, SUM(a.taken) AS taken,
	SUM(a.on_time) AS on_time, SUM(a.missed) AS missed, SUM(a.skipped) AS skipped,
	CASE WHEN MAX(a.last_due_at) >= ? THEN 1 ELSE 0 END AS recent_due,
	CASE WHEN MAX(a.last_taken_at) >= ? THEN 1 ELSE 0 END AS recent_taken
FROM adherence_days a
JOIN (SELECT p.id, w.cur_from, w.prev_from, w.last_day FROM patients p JOIN (%s) w ON w.tz = p.time_zone
	WHERE p.id IN (?)) pw ON pw.id = a.patient_id
WHERE a.local_date >= ? AND a.local_date <= ? AND a.local_date >= pw.prev_from AND a.local_date <= pw.last_day
GROUP BY 1, 2`

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

// dateSpan is the earliest and latest date of any zone's two windows: a
// constant bound the planner can apply while scanning, before the join
// gives each patient its own dates.
func dateSpan(wins map[string]Window) (lo, hi string) {
	for _, w := range wins {
		if p := w.Previous().From; lo == "" || p < lo {
			lo = p
		}
		hi = max(hi, w.To)
	}
	return lo, hi
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

// listBuckets runs rollupSQL and folds each patient's two windows into one row.
func listBuckets(ctx context.Context, db *gorm.DB, pr auth.Principal, wins map[string]Window, now time.Time) ([]bucketRow, error) {
	if len(wins) == 0 {
		return nil, nil
	}
	table, targs := windowsSQL(wins)
	recent := now.Add(-holidayNowWindow)
	lo, hi := dateSpan(wins)
	args := append(append([]any{recent, recent}, targs...), auth.VisiblePatients(db, pr), lo, hi)
	var rows []bucketRow
	if err := db.WithContext(ctx).Raw(fmt.Sprintf(rollupSQL, table), args...).Scan(&rows).Error; err != nil {
		return nil, err
	}
	idx := map[int64]int{}
	var out []bucketRow
	for _, r := range rows {
		i, ok := idx[r.PatientID]
		if !ok {
			i = len(out)
			idx[r.PatientID] = i
			out = append(out, bucketRow{PatientID: r.PatientID})
		}
		if r.Cur == 1 {
			r.PrevDue, r.PrevTaken = out[i].PrevDue, out[i].PrevTaken
			out[i] = r
		} else {
			out[i].PrevDue, out[i].PrevTaken = r.Due, r.Taken
		}
	}
	return out, nil
}
