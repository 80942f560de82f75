package schedule

import (
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// Correction is a care-team physician's correction of a dose's outcome,
// allowed outside the recording window, always with a reason.
type Correction struct {
	State   string     // taken, skipped or missed
	TakenAt *time.Time // required for taken
	Reason  string
}

// Correct records c on dose d by a physician: the dose row shows the
// corrected outcome and corrected=true; the original outcome stays in the
// history, and the new history row points at the row it corrects. A
// cancelled dose cannot be corrected (it was never prescribed).
// Errors: Invalid, Conflict.
func Correct(tx *gorm.DB, d *store.DoseInstance, c Correction, actor Actor, now time.Time) error {
	if d.State == store.DoseCancelled {
		return apperr.E(apperr.Conflict, "this dose was cancelled by a regimen change and was never due").WithReason("dose_cancelled")
	}
	v, err := VersionOf(tx, d)
	if err != nil {
		return err
	}
	var last store.DoseHistory
	if err := tx.Where("dose_id = ?", d.ID).Order("id DESC").Limit(1).Find(&last).Error; err != nil {
		return err
	}
	upd := map[string]any{"state": c.State, "corrected": true, "source": actor.Source, "updated_at": now,
		"snoozed_until": nil, "taken_at": nil, "on_time": nil, "skip_reason": ""}
	switch c.State {
	case store.DoseTaken:
		upd["taken_at"] = c.TakenAt.UTC()
		upd["on_time"] = c.TakenAt.Sub(d.ScheduledAt).Abs() <= time.Duration(v.OnTimeWindowMin)*time.Minute
	case store.DoseSkipped:
		upd["skip_reason"] = c.Reason
	}
	res := tx.Model(&store.DoseInstance{}).Where("id = ? AND state = ?", d.ID, d.State).Updates(upd)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return apperr.E(apperr.Conflict, "this dose changed meanwhile; reload it").WithReason("dose_changed")
	}
	var corrects *int64
	if last.ID != 0 {
		corrects = &last.ID
	}
	if err := appendHistory(tx, actor, now, []change{{DoseID: d.ID, From: d.State, To: c.State, Reason: c.Reason,
		CorrectsID: corrects}}); err != nil {
		return err
	}
	return CloseDoseAlert(tx, d.ID, "dose_corrected", now)
}
