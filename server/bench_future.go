package main

import (
	"context"
	"fmt"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// seedFutureDoses tops the clinic's pending future doses up to about want
// with one INSERT ... SELECT generate_series per slice of regimens: doses
// every 8 hours starting a day past the 48 h horizon, so they never collide
// with what the expansion wrote (no history rows: nothing reads them). This is filler for the idle tick (which
// must not read them), not a schedule: local labels are UTC. It returns the
// pending future doses there are afterwards.
func seedFutureDoses(ctx context.Context, db *gorm.DB, clinicID int64, now time.Time, want int) (int64, error) {
	db = db.WithContext(ctx)
	count := func() (int64, error) {
		var n int64
		err := db.Raw("SELECT count(*) FROM dose_instances WHERE state = 'pending' AND scheduled_at > ?", now).Scan(&n).Error
		return n, err
	}
	have, err := count()
	if err != nil || have >= int64(want) {
		return have, err
	}
	if !store.IsPostgres(db) {
		return have, fmt.Errorf("future doses are seeded with generate_series: use Postgres")
	}
	var ids []int64
	if err := db.Raw(`SELECT r.id FROM regimens r JOIN patients p ON p.id = r.patient_id
		WHERE p.clinic_id = ? AND NOT r.as_needed ORDER BY r.id`, clinicID).Scan(&ids).Error; err != nil || len(ids) == 0 {
		return have, err
	}
	per := (int(int64(want)-have) + len(ids) - 1) / len(ids)
	first := now.Add(72 * time.Hour)
	const slice = 20000 // regimens per statement, so progress is committed in steps
	for i := 0; i < len(ids); i += slice {
		part := ids[i:min(len(ids), i+slice)]
		err := db.Exec(`INSERT INTO dose_instances (patient_id, regimen_id, version_id, nominal_date, scheduled_at, local_date, local_time,
				state, created_at, updated_at)
			SELECT r.patient_id, r.id, r.current_version_id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), at,
				to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), to_char(at AT TIME ZONE 'UTC', 'HH24:MI'), 'pending', ?, ?
			FROM regimens r CROSS JOIN LATERAL (SELECT ?::timestamptz + k * interval '8 hours' AS at FROM generate_series(0, ?) k) g
			JOIN patients p ON p.id = r.patient_id
			WHERE r.id BETWEEN ? AND ? AND NOT r.as_needed AND p.clinic_id = ?
			ON CONFLICT DO NOTHING`, now, now, first, per-1, part[0], part[len(part)-1], clinicID).Error
		if err != nil {
			return have, fmt.Errorf("seed future doses: %w", err)
		}
	}
	return count()
}
