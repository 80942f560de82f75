package benchseed

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// historySlice is how many patients one history statement covers (about
// 1.6 M doses of the twice-daily regimens over 90 days): bounded
// transactions, progress committed, for any number of patients.
const historySlice = 9000

// history writes taken (about 85%, half of them on time) and missed doses
// for every regimen from start to end, wall-clock times converted in SQL with
// AT TIME ZONE (Postgres resolves DST itself; this is filler data), a slice
// of patients per statement. Every trigger runs (the adherence rollup counts
// these doses).
func history(db *gorm.DB, clinicID int64, start, end time.Time) error {
	var span struct{ Lo, Hi int64 }
	if err := db.Raw("SELECT min(id) AS lo, max(id) AS hi FROM patients WHERE clinic_id = ?", clinicID).Scan(&span).Error; err != nil {
		return err
	}
	for lo := span.Lo; lo <= span.Hi; lo += historySlice {
		if err := historyOf(db, clinicID, lo, lo+historySlice-1, start, end); err != nil {
			return err
		}
	}
	return nil
}

// historyColumns turn a regimen's (patient_id, regimen_id, tz) and a dose's
// (st, at) into a dose row.
const historyColumns = `INSERT INTO dose_instances (patient_id, regimen_id, scheduled_at, local_date, local_time, state,
		taken_at, on_time, source, created_at, updated_at)
	SELECT rp.patient_id, rp.regimen_id, x.at, to_char(x.at AT TIME ZONE rp.tz, 'YYYY-MM-DD'), to_char(x.at AT TIME ZONE rp.tz, 'HH24:MI'),
		x.st, CASE WHEN x.st = 'taken' THEN x.at + interval '5 minutes' END, CASE WHEN x.st = 'taken' THEN true END,
		CASE WHEN x.st = 'taken' THEN 'dispenser' ELSE '' END, ?, ?
	FROM (SELECT r.patient_id, r.id AS regimen_id, r.starts_at, p.time_zone AS tz FROM regimens r JOIN patients p ON p.id = r.patient_id
		WHERE p.clinic_id = ? AND p.id BETWEEN ? AND ? AND `

// outcomeSQL draws a dose's state.
const outcomeSQL = `CASE WHEN random() < 0.85 THEN 'taken' ELSE 'missed' END`

// The doses of a regimen are generated LATERAL to it, so they arrive
// regimen by regimen and their index entries land together (see
// bench_future.go in package main for why that matters).
const (
	byWallClockSQL = historyColumns + `r.timing = ? ORDER BY r.id) rp
	CROSS JOIN LATERAL (SELECT ` + outcomeSQL + ` AS st, ((d::date + t::time) AT TIME ZONE rp.tz) AS at
		FROM generate_series(?::timestamp, ?::timestamp, interval '1 day') d CROSS JOIN unnest(?::text[]) t) x
	WHERE x.at >= ? AND x.at < ?`
	byIntervalSQL = historyColumns + `r.timing LIKE '{"frequency"%' ORDER BY r.id) rp
	CROSS JOIN LATERAL (SELECT ` + outcomeSQL + ` AS st, rp.starts_at + n * interval '8 hours' AS at
		FROM generate_series(0, ?) n) x
	WHERE x.at < ?`
)

// historyOf writes the history of the clinic's patients lo..hi.
func historyOf(db *gorm.DB, clinicID, lo, hi int64, start, end time.Time) error {
	startDay, endDay := start.Format("2006-01-02"), end.Format("2006-01-02")
	for _, tm := range []struct{ timing, times string }{
		{`{"timeOfDay":["08:00","20:00"]}`, "{08:00,20:00}"}, {`{"timeOfDay":["09:00"]}`, "{09:00}"},
	} {
		if err := db.Exec(byWallClockSQL, end, end, clinicID, lo, hi, tm.timing, startDay, endDay, tm.times, start, end).Error; err != nil {
			return fmt.Errorf("seed history: %w", err)
		}
	}
	if err := db.Exec(byIntervalSQL, end, end, clinicID, lo, hi, int(end.Sub(start)/(8*time.Hour)), end).Error; err != nil {
		return fmt.Errorf("seed interval history: %w", err)
	}
	return nil
}

// overdue adds o.Overdue pending doses past their 60-minute grace, spread
// over the once-daily regimens at whole minutes 61.. minutes before now.
func overdue(db *gorm.DB, clinicID int64, o Options, now time.Time) error {
	per := (o.Overdue + o.Patients - 1) / o.Patients
	err := db.Exec(`INSERT INTO dose_instances (patient_id, regimen_id, scheduled_at, local_date, local_time, state, created_at, updated_at)
		SELECT patient_id, id, at, to_char(at, 'YYYY-MM-DD'), to_char(at, 'HH24:MI'), 'pending', ?, ? FROM (
			SELECT r.patient_id, r.id, ?::timestamptz - (61 + k) * interval '1 minute' AS at,
				row_number() OVER (ORDER BY r.id, k) AS rn
			FROM regimens r JOIN patients p ON p.id = r.patient_id CROSS JOIN generate_series(0, ?) k
			WHERE p.clinic_id = ? AND r.timing = '{"timeOfDay":["09:00"]}') x
		WHERE rn <= ? ON CONFLICT DO NOTHING`, now, now, now, per-1, clinicID, o.Overdue).Error
	if err != nil {
		return fmt.Errorf("seed overdue doses: %w", err)
	}
	return nil
}
