package schedule

import (
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// DeviceChangesPG returns the data-modifying CTEs that apply a batch of
// DeviceChange rows on Postgres, for a statement that defines src (columns
// dose_id, from_state, take, at, on_time, dbl; one row per dose) before
// them, and their parameters in order:
//
//   - upd: the doses, each only if still in from_state (a dose that left it
//     is not returned: the caller compares counts), RETURNING id,
//     from_state, take, dbl;
//   - closed: the open alerts of the doses taken;
//   - hist: one history row per state change (from_state → taken, taken →
//     double_dose), by the dispenser.
//
// All CTEs of a statement see one snapshot, so a dose taken and flagged in
// the same batch is written once, with both history rows. One statement,
// whatever the batch size, with no lock held between round trips: the
// state guard is what keeps a dose from being taken twice (a racing writer
// makes the guard fail and the caller retries under lock).
func DeviceChangesPG(src string, dispenserID int64, now time.Time) (string, []any) {
	sql := `upd AS (UPDATE dose_instances d SET
			state = CASE WHEN c.take THEN '` + store.DoseTaken + `' ELSE d.state END,
			source = CASE WHEN c.take THEN '` + store.SourceDispenser + `' ELSE d.source END,
			dispenser_reported = d.dispenser_reported OR c.take,
			skip_reason = CASE WHEN c.take THEN '' ELSE d.skip_reason END,
			taken_at = CASE WHEN c.take THEN c.at ELSE d.taken_at END,
			on_time = CASE WHEN c.take THEN c.on_time ELSE d.on_time END,
			double_dose = d.double_dose OR c.dbl, updated_at = ?
		FROM ` + src + ` c WHERE d.id = c.dose_id AND d.state = c.from_state
		RETURNING d.id, c.from_state, c.take, c.dbl),
	closed AS (UPDATE alerts SET closed_at = ?, close_reason = 'dose_recorded', next_at = NULL
		WHERE closed_at IS NULL AND dose_id IN (SELECT id FROM upd WHERE take)),
	hist AS (INSERT INTO dose_history (dose_id, from_state, to_state, at, dispenser_id, source, reason)
		SELECT id, f, t, ?, ?, '` + store.SourceDispenser + `', '' FROM (
			SELECT id, from_state AS f, '` + store.DoseTaken + `' AS t, 0 AS k FROM upd WHERE take
			UNION ALL SELECT id, '` + store.DoseTaken + `', '` + store.HistDoubleDose + `', 1 FROM upd WHERE dbl) h
		ORDER BY id, k)`
	return sql, []any{now, now, now.UTC(), dispenserID}
}

// deviceChangesPG is RecordDeviceChanges on Postgres: DeviceChangesPG over
// the changes passed as arrays, in one round trip.
func deviceChangesPG(tx *gorm.DB, dispenserID int64, changes []DeviceChange, now time.Time) (int, error) {
	n := len(changes)
	ids, from := make([]int64, n), make([]string, n)
	take, at, onTime, dbl := make([]bool, n), make([]time.Time, n), make([]bool, n), make([]bool, n)
	for i, c := range changes {
		ids[i], from[i], take[i], at[i], onTime[i], dbl[i] = c.DoseID, c.From, c.Take, c.At.UTC(), c.OnTime, c.Double
	}
	ctes, args := DeviceChangesPG("src", dispenserID, now)
	sql := `WITH src AS (SELECT * FROM unnest(?::bigint[], ?::text[], ?::boolean[], ?::timestamptz[], ?::boolean[], ?::boolean[])
			AS s(dose_id, from_state, take, at, on_time, dbl)),
		` + ctes + ` SELECT count(*) FROM upd`
	var changed int
	err := tx.Raw(sql, append([]any{store.Array(ids), store.Array(from), store.Array(take), store.Array(at),
		store.Array(onTime), store.Array(dbl)}, args...)...).Scan(&changed).Error
	return changed, err
}
