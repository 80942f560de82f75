package benchseed

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// history writes taken (about 85%, half of them on time) and missed doses
// for every regimen from start to end, wall-clock times converted in SQL with
// AT TIME ZONE (Postgres resolves DST itself; this is filler data).
func history(db *gorm.DB, clinicID int64, start, end time.Time) error {
	outcome := `CASE WHEN random() < 0.85 THEN 'taken' ELSE 'missed' END`
	byWallClock := `INSERT INTO dose_instances (patient_id, regimen_id, scheduled_at, local_date, local_time, state,
			taken_at, on_time, source, created_at, updated_at)
		SELECT patient_id, regimen_id, at, to_char(at AT TIME ZONE tz, 'YYYY-MM-DD'), to_char(at AT TIME ZONE tz, 'HH24:MI'),
			st, CASE WHEN st = 'taken' THEN at + interval '5 minutes' END, CASE WHEN st = 'taken' THEN true END,
			CASE WHEN st = 'taken' THEN 'dispenser' ELSE '' END, ?, ?
		FROM (SELECT r.patient_id, r.id AS regimen_id, p.time_zone AS tz, ` + outcome + ` AS st,
				((d::date + t::time) AT TIME ZONE p.time_zone) AS at
			FROM regimens r JOIN patients p ON p.id = r.patient_id
			CROSS JOIN generate_series(?::timestamp, ?::timestamp, interval '1 day') d
			CROSS JOIN unnest(?::text[]) t
			WHERE p.clinic_id = ? AND r.timing = ?) x
		WHERE at >= ? AND at < ?`
	startDay, endDay := start.Format("2006-01-02"), end.Format("2006-01-02")
	for _, tm := range []struct{ timing, times string }{
		{`{"timeOfDay":["08:00","20:00"]}`, "{08:00,20:00}"}, {`{"timeOfDay":["09:00"]}`, "{09:00}"},
	} {
		if err := db.Exec(byWallClock, end, end, startDay, endDay, tm.times, clinicID, tm.timing, start, end).Error; err != nil {
			return fmt.Errorf("seed history: %w", err)
		}
	}
	interval := `INSERT INTO dose_instances (patient_id, regimen_id, scheduled_at, local_date, local_time, state,
			taken_at, on_time, source, created_at, updated_at)
		SELECT patient_id, regimen_id, at, to_char(at AT TIME ZONE tz, 'YYYY-MM-DD'), to_char(at AT TIME ZONE tz, 'HH24:MI'),
			st, CASE WHEN st = 'taken' THEN at + interval '5 minutes' END, CASE WHEN st = 'taken' THEN true END,
			CASE WHEN st = 'taken' THEN 'dispenser' ELSE '' END, ?, ?
		FROM (SELECT r.patient_id, r.id AS regimen_id, p.time_zone AS tz, ` + outcome + ` AS st,
				r.starts_at + n * interval '8 hours' AS at
			FROM regimens r JOIN patients p ON p.id = r.patient_id
			CROSS JOIN generate_series(0, ?) n
			WHERE p.clinic_id = ? AND r.timing LIKE '{"frequency"%') x
		WHERE at < ?`
	if err := db.Exec(interval, end, end, int(end.Sub(start)/(8*time.Hour)), clinicID, end).Error; err != nil {
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
