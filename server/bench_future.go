package main

import (
	"context"
	"fmt"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// futureSlice is about how many doses one seeding statement writes: a few
// large statements, each its own transaction, so progress is committed.
const futureSlice = 2_000_000

// seedFutureDoses tops the clinic's pending future doses up to about want
// with one INSERT ... SELECT generate_series per slice of regimens: doses
// every 8 hours starting a day past the 48 h horizon, so they never collide
// with what the expansion wrote (no history rows: nothing reads them). This
// is filler for the idle tick (which must not read them), not a schedule:
// local labels are UTC. The table keeps all its indexes (the idle tick
// reads them); the rows are written regimen by regimen (see futureSQL),
// without foreign-key checks (see seedFutureSlice). It returns the pending
// future doses there are afterwards.
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
	var super bool // session_replication_role needs a superuser
	if err := db.Raw("SELECT current_setting('is_superuser') = 'on'").Scan(&super).Error; err != nil {
		return have, err
	}
	per := (int(int64(want)-have) + len(ids) - 1) / len(ids)
	step := max(1, futureSlice/per)
	for i := 0; i < len(ids); i += step {
		part := ids[i:min(len(ids), i+step)]
		if err := db.Transaction(func(tx *gorm.DB) error {
			return seedFutureSlice(tx, clinicID, part[0], part[len(part)-1], now, per, super)
		}); err != nil {
			return have, fmt.Errorf("seed future doses: %w", err)
		}
	}
	return count()
}

// futureSQL writes per doses for each regimen of a slice. The instants
// and their labels are computed once (s), and the series is joined to each
// regimen in turn (LATERAL, referring to r, so that the planner cannot make
// it the outer loop): rows then arrive regimen by regimen, each regimen's
// and patient's index entries land together on a few index pages, and the
// scheduled_at index takes them at the end of one run of equal keys per
// instant. Generated instant by instant instead, every row lands on a
// different page of the regimen and patient indexes, which is what made
// seeding 10 M rows take over half an hour.
const futureSQL = `WITH s AS MATERIALIZED (
		SELECT at, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d, to_char(at AT TIME ZONE 'UTC', 'HH24:MI') AS t
		FROM (SELECT ?::timestamptz + k * interval '8 hours' AS at FROM generate_series(0, ?) k) x)
	INSERT INTO dose_instances (patient_id, regimen_id, version_id, nominal_date, scheduled_at, local_date, local_time,
		state, created_at, updated_at)
	SELECT r.patient_id, r.id, r.current_version_id, g.d, g.at, g.d, g.t, 'pending', ?, ?
	FROM (SELECT r.id, r.patient_id, r.current_version_id FROM regimens r JOIN patients p ON p.id = r.patient_id
		WHERE r.id BETWEEN ? AND ? AND NOT r.as_needed AND p.clinic_id = ? ORDER BY r.id) r
	CROSS JOIN LATERAL (SELECT s.* FROM s WHERE r.id IS NOT NULL) g
	ON CONFLICT DO NOTHING`

// seedFutureSlice runs futureSQL for the regimens first..last in tx, with
// synchronous_commit off (filler: losing it in a crash loses nothing) and,
// when the role may, session_replication_role = replica, as pg_restore
// --disable-triggers loads data: the foreign-key checks (three lookups a
// row, about half the time) and the triggers do not run. Nothing is lost by
// that: the rows are built from the regimens and patients they point at,
// and the only other triggers (the adherence rollup, 00200) ignore pending
// doses. Every index is written as usual.
func seedFutureSlice(tx *gorm.DB, clinicID, first, last int64, now time.Time, per int, replica bool) error {
	sets := []string{"SET LOCAL synchronous_commit = off"}
	if replica {
		sets = append(sets, "SET LOCAL session_replication_role = replica")
	}
	for _, set := range sets {
		if err := tx.Exec(set).Error; err != nil {
			return err
		}
	}
	return tx.Exec(futureSQL, now.Add(72*time.Hour), per-1, now, now, first, last, clinicID).Error
}
