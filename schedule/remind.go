package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// remindStale: a dose this far past due gets no first reminder any more
// (the scheduler was down); the missed sweep takes it from there.
const remindStale = 2 * time.Hour

// Remind sends the due-time reminder for every pending dose that is due and
// not yet reminded, each exactly once across replicas. It returns how many
// doses it claimed.
func (s *Scheduler) Remind(ctx context.Context, now time.Time) (int, error) {
	return s.drain(ctx, func(tx *gorm.DB) (int, error) {
		return s.claimAndSend(tx, "reminded_at", `state = 'pending' AND reminded_at IS NULL
			AND scheduled_at <= ? AND scheduled_at > ?`, []any{now, now.Add(-remindStale)}, KindReminder, "dose_reminder", now)
	})
}

// PreRemind sends the optional heads-up PreReminder before a dose is due.
func (s *Scheduler) PreRemind(ctx context.Context, now time.Time) (int, error) {
	if s.PreReminder <= 0 {
		return 0, nil
	}
	return s.drain(ctx, func(tx *gorm.DB) (int, error) {
		return s.claimAndSend(tx, "prereminded_at", `state = 'pending' AND prereminded_at IS NULL AND reminded_at IS NULL
			AND scheduled_at <= ? AND scheduled_at > ?`, []any{now.Add(s.PreReminder), now}, KindPreReminder, "dose_reminder", now)
	})
}

// ReRemind sends the one re-reminder for a dose still pending ReRemindAfter
// after its reminder, or when its snooze ends.
func (s *Scheduler) ReRemind(ctx context.Context, now time.Time) (int, error) {
	if s.ReRemindAfter < 0 {
		return 0, nil
	}
	return s.drain(ctx, func(tx *gorm.DB) (int, error) {
		return s.claimAndSend(tx, "rereminded_at", `state = 'pending' AND scheduled_at <= ? AND reminded_at IS NOT NULL
			AND rereminded_at IS NULL AND ((snoozed_until IS NULL AND reminded_at <= ?) OR snoozed_until <= ?)`,
			[]any{now, now.Add(-s.ReRemindAfter), now}, KindReReminder, "dose_rereminder", now)
	})
}

// claimAndSend stamps column on up to Batch doses matching where and queues
// one patient message per claimed dose, in the caller's transaction.
func (s *Scheduler) claimAndSend(tx *gorm.DB, column, where string, args []any, kind, template string, now time.Time) (int, error) {
	where += " AND NOT " + fmt.Sprintf(hospitalSQL, "dose_instances") // no reminders in hospital
	sql := `UPDATE dose_instances SET ` + column + ` = ? WHERE id IN (SELECT id FROM dose_instances WHERE ` + where +
		` ORDER BY scheduled_at LIMIT ?` + skipLocked(tx) + `) RETURNING id`
	ids, err := claimedIDs(tx, sql, append(append([]any{now}, args...), s.batch())...)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	if err := appendHistory(tx, System, now, sameChange(ids, store.DosePending, store.HistReminded, kind)); err != nil {
		return 0, err
	}
	doses, err := loadDoses(tx, ids)
	if err != nil {
		return 0, err
	}
	for _, d := range doses {
		if err := toPatient(tx, d, kind, template, now); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
