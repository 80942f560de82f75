package schedule

import (
	"errors"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Outcomes of RecordTaken.
const (
	OutcomeOnTime     = "taken_on_time"
	OutcomeLate       = "taken_late"
	OutcomeDoubleDose = "double_dose" // the dose was already taken; flagged, not changed otherwise
)

// RecordTaken records that dose doseID was taken at takenAt, reported by
// actor, without the recording window (a dispenser's own record, tools).
// pending or skipped → taken, on time when takenAt is within the version's
// on-time window of the due instant; missed → taken (closing its
// escalation); taken → double_dose flagged. Call it inside the caller's
// transaction. Errors: NotFound, Conflict (a cancelled dose).
func RecordTaken(tx *gorm.DB, doseID int64, takenAt time.Time, actor Actor) (string, error) {
	d, v, err := lockDose(tx, doseID)
	if err != nil {
		return "", err
	}
	now := tx.NowFunc()
	switch d.State {
	case store.DoseCancelled:
		return "", apperr.E(apperr.Conflict, "this dose was cancelled by a regimen change").WithReason("dose_cancelled")
	case store.DoseTaken:
		return OutcomeDoubleDose, markDouble(tx, []int64{d.ID}, actor, now)
	}
	onTime, err := take(tx, d, v, takenAt, actor, now, "")
	if err != nil {
		return "", err
	}
	if onTime {
		return OutcomeOnTime, nil
	}
	return OutcomeLate, nil
}

// take moves d to taken at takenAt, closes its alert and appends history.
func take(tx *gorm.DB, d *store.DoseInstance, v *store.RegimenVersion, takenAt time.Time, actor Actor, now time.Time, reason string) (bool, error) {
	window := time.Duration(v.OnTimeWindowMin) * time.Minute
	onTime := takenAt.Sub(d.ScheduledAt).Abs() <= window // by when it was taken, even if the sweep called it missed first
	err := setState(tx, d, map[string]any{"state": store.DoseTaken, "on_time": onTime, "taken_at": takenAt.UTC(),
		"source": actor.Source, "skip_reason": "", "snoozed_until": nil}, actor, now, reason)
	if err != nil {
		return false, err
	}
	return onTime, CloseDoseAlert(tx, d.ID, "dose_recorded", now)
}

// setState changes d only if it is still in the state it was read in (so
// two racing requests cannot both succeed) and appends its history row.
// Errors: Conflict.
func setState(tx *gorm.DB, d *store.DoseInstance, upd map[string]any, actor Actor, now time.Time, reason string) error {
	upd["updated_at"] = now
	res := tx.Model(&store.DoseInstance{}).Where("id = ? AND state = ? AND snooze_count = ?", d.ID, d.State, d.SnoozeCount).Updates(upd)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return apperr.E(apperr.Conflict, "this dose changed meanwhile; reload it").WithReason("dose_changed")
	}
	to, _ := upd["state"].(string)
	if to == "" {
		to = store.HistSnoozed
	}
	return appendHistory(tx, actor, now, []change{{DoseID: d.ID, From: d.State, To: to, Reason: reason}})
}

// markDouble flags taken doses as taken twice, with history.
func markDouble(tx *gorm.DB, ids []int64, actor Actor, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	if err := tx.Exec("UPDATE dose_instances SET double_dose = ?, updated_at = ? WHERE id IN ?", true, now, ids).Error; err != nil {
		return err
	}
	return appendHistory(tx, actor, now, sameChange(ids, store.DoseTaken, store.HistDoubleDose, ""))
}

// CloseDoseAlert closes the open escalation of a dose (no later step fires).
func CloseDoseAlert(tx *gorm.DB, doseID int64, reason string, now time.Time) error {
	return tx.Exec(`UPDATE alerts SET closed_at = ?, close_reason = ?, next_at = NULL
		WHERE dose_id = ? AND closed_at IS NULL`, now, reason, doseID).Error
}

// lockDose loads a dose and the version it was prescribed under, locking the
// dose row on Postgres so two reports of one dose serialise (the second
// sees "taken").
func lockDose(tx *gorm.DB, doseID int64) (*store.DoseInstance, *store.RegimenVersion, error) {
	var d store.DoseInstance
	q := tx
	if store.IsPostgres(tx) {
		q = q.Clauses(clause.Locking{Strength: "NO KEY UPDATE"}) // see skipLocked: FK checks must not wait on it
	}
	if err := q.Take(&d, doseID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, apperr.E(apperr.NotFound, "no such dose")
	} else if err != nil {
		return nil, nil, err
	}
	v, err := VersionOf(tx, &d)
	return &d, v, err
}

// VersionOf is the regimen version dose d was prescribed under (for a dose
// written without one, the regimen's fields as they are now).
func VersionOf(tx *gorm.DB, d *store.DoseInstance) (*store.RegimenVersion, error) {
	var v store.RegimenVersion
	if d.VersionID != nil {
		return &v, tx.Take(&v, *d.VersionID).Error
	}
	var reg store.Regimen
	if err := tx.Take(&reg, d.RegimenID).Error; err != nil {
		return nil, err
	}
	v = versionOf(&reg)
	return &v, nil
}
