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
// source (dispenser, patient, caregiver). pending or skipped → taken, on time
// when takenAt is within the regimen's on-time window of the due instant;
// missed → taken late (closing its escalation); taken → double_dose flagged.
// Call it inside the caller's transaction (the one that stores the event).
// Errors: NotFound, Conflict (a cancelled dose).
func RecordTaken(tx *gorm.DB, doseID int64, takenAt time.Time, source string) (string, error) {
	d, reg, err := lockDose(tx, doseID)
	if err != nil {
		return "", err
	}
	now := tx.NowFunc()
	switch d.State {
	case store.DoseCancelled:
		return "", apperr.E(apperr.Conflict, "this dose was cancelled by a regimen change").WithReason("dose_cancelled")
	case store.DoseTaken:
		return OutcomeDoubleDose, tx.Model(&store.DoseInstance{}).Where("id = ?", d.ID).
			Updates(map[string]any{"double_dose": true, "updated_at": now}).Error
	}
	window := time.Duration(reg.OnTimeWindowMin) * time.Minute
	onTime := d.State != store.DoseMissed && takenAt.Sub(d.ScheduledAt).Abs() <= window
	err = tx.Model(&store.DoseInstance{}).Where("id = ?", d.ID).Updates(map[string]any{
		"state": store.DoseTaken, "on_time": onTime, "taken_at": takenAt.UTC(), "source": source,
		"skip_reason": "", "updated_at": now}).Error
	if err != nil {
		return "", err
	}
	if err := CloseDoseAlert(tx, d.ID, "dose_recorded", now); err != nil {
		return "", err
	}
	if onTime {
		return OutcomeOnTime, nil
	}
	return OutcomeLate, nil
}

// RecordSkipped records that the patient chose not to take a pending dose,
// with a reason. Errors: NotFound, Conflict (not pending).
func RecordSkipped(tx *gorm.DB, doseID int64, reason string) error {
	d, _, err := lockDose(tx, doseID)
	if err != nil {
		return err
	}
	if d.State != store.DosePending {
		return apperr.E(apperr.Conflict, "only a pending dose can be skipped (this one is %s)", d.State).WithReason("dose_not_pending")
	}
	return tx.Model(&store.DoseInstance{}).Where("id = ?", d.ID).
		Updates(map[string]any{"state": store.DoseSkipped, "skip_reason": reason, "updated_at": tx.NowFunc()}).Error
}

// Snooze moves a pending dose's re-reminder to until. Errors: NotFound,
// Conflict (not pending).
func Snooze(tx *gorm.DB, doseID int64, until time.Time) error {
	d, _, err := lockDose(tx, doseID)
	if err != nil {
		return err
	}
	if d.State != store.DosePending {
		return apperr.E(apperr.Conflict, "only a pending dose can be snoozed (this one is %s)", d.State).WithReason("dose_not_pending")
	}
	return tx.Exec(`UPDATE dose_instances SET snoozed_until = ?, snooze_count = snooze_count + 1, rereminded_at = NULL,
		updated_at = ? WHERE id = ?`, until.UTC(), tx.NowFunc(), d.ID).Error
}

// CloseDoseAlert closes the open escalation of a dose (no later step fires).
func CloseDoseAlert(tx *gorm.DB, doseID int64, reason string, now time.Time) error {
	return tx.Exec(`UPDATE alerts SET closed_at = ?, close_reason = ?, next_at = NULL
		WHERE dose_id = ? AND closed_at IS NULL`, now, reason, doseID).Error
}

// lockDose loads a dose and its regimen, locking the dose row on Postgres so
// two reports of one dose serialise (the second sees "taken").
func lockDose(tx *gorm.DB, doseID int64) (*store.DoseInstance, *store.Regimen, error) {
	var d store.DoseInstance
	q := tx
	if store.IsPostgres(tx) {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	if err := q.Take(&d, doseID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, apperr.E(apperr.NotFound, "no such dose")
	} else if err != nil {
		return nil, nil, err
	}
	var reg store.Regimen
	if err := tx.Take(&reg, d.RegimenID).Error; err != nil {
		return nil, nil, err
	}
	return &d, &reg, nil
}
