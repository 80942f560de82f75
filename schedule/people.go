package schedule

import (
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// Window is when a patient or caregiver may record a dose: from the
// version's on-time window before the due instant (early limit, default 60
// min) to its late limit after it (default 24 h).
type Window struct{ Start, End time.Time }

// RecordingWindow is d's window under version v.
func RecordingWindow(d *store.DoseInstance, v *store.RegimenVersion) Window {
	return Window{Start: d.ScheduledAt.Add(-time.Duration(v.OnTimeWindowMin) * time.Minute),
		End: d.ScheduledAt.Add(time.Duration(lateLimitMin(v.LateLimitMin)) * time.Minute)}
}

// check refuses an instant outside w. Errors: Conflict reason too_early or
// too_late, with window_start and window_end.
func (w Window) check(at time.Time, what string) error {
	var e *apperr.Error
	switch {
	case at.Before(w.Start):
		e = apperr.E(apperr.Conflict, "this dose cannot be %s before %s", what, w.Start.Format(time.RFC3339)).WithReason("too_early")
	case at.After(w.End):
		e = apperr.E(apperr.Conflict, "this dose can no longer be %s: the window closed at %s; ask the care team to correct the record",
			what, w.End.Format(time.RFC3339)).WithReason("too_late")
	default:
		return nil
	}
	return e.With("window_start", w.Start).With("window_end", w.End)
}

// Take records, for a patient or caregiver, that d was taken at takenAt
// (recorded now). pending, missed or skipped → taken; both takenAt and now
// must be inside the recording window. Closes the dose's escalation.
// Errors: Conflict (already taken, cancelled, outside the window).
func Take(tx *gorm.DB, d *store.DoseInstance, takenAt time.Time, actor Actor, now time.Time) error {
	if err := expectState(d, store.DosePending, store.DoseMissed, store.DoseSkipped); err != nil {
		return err
	}
	v, err := VersionOf(tx, d)
	if err != nil {
		return err
	}
	w := RecordingWindow(d, v)
	if err := w.check(takenAt, "recorded as taken"); err != nil {
		return err
	}
	if err := w.check(now, "recorded"); err != nil {
		return err
	}
	_, err = take(tx, d, v, takenAt, actor, now, "")
	return err
}

// Skip records, for a patient or caregiver, that d was deliberately not
// taken, with a reason; only inside the recording window. Closes the dose's
// escalation. Errors: Conflict.
func Skip(tx *gorm.DB, d *store.DoseInstance, reason string, actor Actor, now time.Time) error {
	if err := expectState(d, store.DosePending, store.DoseMissed); err != nil {
		return err
	}
	v, err := VersionOf(tx, d)
	if err != nil {
		return err
	}
	if err := RecordingWindow(d, v).check(now, "recorded as skipped"); err != nil {
		return err
	}
	if err := setState(tx, d, map[string]any{"state": store.DoseSkipped, "skip_reason": reason, "source": actor.Source,
		"snoozed_until": nil}, actor, now, reason); err != nil {
		return err
	}
	return CloseDoseAlert(tx, d.ID, "dose_skipped", now)
}

// MaxSnoozes is how often one dose's reminder may be snoozed.
const MaxSnoozes = 3

// Snooze postpones the re-reminder of a pending dose that is due (a dose
// not yet due has nothing to snooze) to until, at most MaxSnoozes times.
// Errors: Conflict reasons not_yet_due, snooze_limit, dose_<state>.
func Snooze(tx *gorm.DB, d *store.DoseInstance, until time.Time, actor Actor, now time.Time) error {
	if err := expectState(d, store.DosePending); err != nil {
		return err
	}
	if now.Before(d.ScheduledAt) {
		return apperr.E(apperr.Conflict, "this dose is not due until %s; there is no reminder to snooze yet",
			d.ScheduledAt.Format(time.RFC3339)).WithReason("not_yet_due").With("due_at", d.ScheduledAt)
	}
	if d.SnoozeCount >= MaxSnoozes {
		return apperr.E(apperr.Conflict, "this reminder was already snoozed %d times", MaxSnoozes).WithReason("snooze_limit")
	}
	return setState(tx, d, map[string]any{"snoozed_until": until.UTC(), "rereminded_at": nil,
		"snooze_count": gorm.Expr("snooze_count + 1")}, actor, now, "")
}

// expectState refuses an action on a dose in another state. Errors: Conflict.
func expectState(d *store.DoseInstance, states ...string) error {
	for _, s := range states {
		if d.State == s {
			return nil
		}
	}
	if d.State == store.DoseTaken {
		return apperr.E(apperr.Conflict, "this dose is already recorded as taken").WithReason("already_taken").With("taken_at", d.TakenAt)
	}
	return apperr.E(apperr.Conflict, "this dose is %s", d.State).WithReason("dose_" + d.State)
}
