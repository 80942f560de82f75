package schedule_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestSnoozeMovesTheReReminder: the pre-reminder goes out on the first tick
// within 10 minutes of the dose (07:59 here); snoozed at 08:05 until 08:40, the patient
// hears again at 08:40, not at 08:15; a second snooze ends in another one.
func TestSnoozeMovesTheReReminder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db, "snz")
		b.sched.PreReminder = 10 * time.Minute
		b.expand(t)
		b.run(t, t0.Add(5*time.Minute))
		snooze := func(until time.Time) {
			d := b.dose(t, t0)
			if err := db.Transaction(func(tx *gorm.DB) error {
				return schedule.Snooze(tx, &d, until, schedule.System, until.Add(-35*time.Minute))
			}); err != nil {
				t.Fatal(err)
			}
		}
		snooze(t0.Add(40 * time.Minute))
		b.run(t, t0.Add(45*time.Minute))
		snooze(t0.Add(50 * time.Minute))
		b.run(t, t0.Add(55*time.Minute))
		equalLines(t, b.sent(t), []string{
			"07:59 prereminder dose_reminder patient",
			"08:00 reminder dose_reminder patient",
			"08:40 rereminder dose_rereminder patient",
			"08:50 rereminder dose_rereminder patient",
		})
	})
}
