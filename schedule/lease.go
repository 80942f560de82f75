package schedule

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// AcquireLease takes or renews the once-per-cluster lease name for holder
// until now+ttl. It reports false while another holder's lease runs.
func AcquireLease(ctx context.Context, db *gorm.DB, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	res := db.WithContext(ctx).Exec(`INSERT INTO job_leases (name, holder, lease_until) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
		WHERE job_leases.lease_until <= ? OR job_leases.holder = excluded.holder`, name, holder, now.Add(ttl), now)
	return res.RowsAffected == 1, res.Error
}

// Cleanup deletes cancelled doses more than 30 days past that nothing refers
// to: they were never part of the patient's history.
func Cleanup(ctx context.Context, db *gorm.DB, now time.Time) error {
	return db.WithContext(ctx).Exec(`DELETE FROM dose_instances WHERE state = 'cancelled' AND scheduled_at < ?
		AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dose_id = dose_instances.id)
		AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.dose_id = dose_instances.id)
		AND NOT EXISTS (SELECT 1 FROM dose_events e WHERE e.dose_id = dose_instances.id)`, now.AddDate(0, 0, -30)).Error
}
