package schedule

import (
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// deviceTakesPG is deviceTakes in one round trip on Postgres: the prior
// states are read under lock, the doses updated, their open alerts closed
// and one history row per dose appended by a single statement of
// data-modifying CTEs (all see one snapshot, and the history rows carry the
// state each dose had before). Ingest holds the doses' locks already, so
// the FOR UPDATE only confirms them.
func deviceTakesPG(tx *gorm.DB, actor Actor, takes []DeviceTake, now time.Time) error {
	ids := make([]int64, len(takes))
	at, onTime := store.NewCaseByID(true), store.NewCaseByID(true)
	for i, t := range takes {
		ids[i] = t.DoseID
		at.When(t.DoseID, t.At.UTC(), "timestamptz")
		onTime.When(t.DoseID, t.OnTime, "boolean")
	}
	sql := `WITH prior AS (SELECT id AS prior_id, state AS prior_state FROM dose_instances WHERE id IN ? ORDER BY id FOR NO KEY UPDATE),
	upd AS (UPDATE dose_instances SET state = 'taken', source = 'dispenser', dispenser_reported = ?, updated_at = ?,
		skip_reason = '', taken_at = ` + at.SQL() + `, on_time = ` + onTime.SQL() + `
		FROM prior WHERE dose_instances.id = prior.prior_id RETURNING dose_instances.id, prior.prior_state),
	closed AS (UPDATE alerts SET closed_at = ?, close_reason = 'dose_recorded', next_at = NULL
		WHERE closed_at IS NULL AND dose_id IN (SELECT id FROM upd))
	INSERT INTO dose_history (dose_id, from_state, to_state, at, actor_user_id, dispenser_id, source, reason)
	SELECT id, prior_state, 'taken', ?, ?, ?, ?, '' FROM upd ORDER BY id`
	args := append([]any{ids, true, now}, at.Args...)
	args = append(append(args, onTime.Args...), now, now.UTC(), actor.UserID, actor.DispenserID, actor.Source)
	return tx.Exec(sql, args...).Error
}
