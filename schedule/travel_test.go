package schedule_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestTravelPolicies: a New York patient (08:00, 20:00) flies to London at
// 10:00 New York time. The dose already taken is left alone; future doses
// keep New York instants under "home" and follow London's wall clock under
// "local". Labels are London's either way.
func TestTravelPolicies(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		policy string
		want   []string
	}{
		{"home", []string{"2026-03-11T00:00:00Z 2026-03-11 00:00", "2026-03-11T12:00:00Z 2026-03-11 12:00", "2026-03-12T00:00:00Z 2026-03-12 00:00"}},
		{"local", []string{"2026-03-10T20:00:00Z 2026-03-10 20:00", "2026-03-11T08:00:00Z 2026-03-11 08:00", "2026-03-11T20:00:00Z 2026-03-11 20:00"}},
	} {
		t.Run(c.policy, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *gorm.DB) {
				b := setup(t, db, "trv")
				b.expand(t)
				taken := b.dose(t, t0)
				db.Transaction(func(tx *gorm.DB) error {
					_, err := schedule.RecordTaken(tx, taken.ID, t0, schedule.Actor{Source: "patient"})
					return err
				})
				now := t0.Add(2 * time.Hour)
				err := db.Transaction(func(tx *gorm.DB) error {
					return schedule.ChangeZone(tx, &b.w.Patient, "Europe/London", c.policy, now, 36*time.Hour)
				})
				if err != nil {
					t.Fatal(err)
				}
				var pending []store.DoseInstance
				db.Where("patient_id = ? AND state = ?", b.w.Patient.ID, store.DosePending).Order("scheduled_at").Find(&pending)
				var got []string
				for _, d := range pending {
					got = append(got, d.ScheduledAt.UTC().Format(time.RFC3339)+" "+d.LocalDate+" "+d.LocalTime)
				}
				if len(got) != len(c.want) {
					t.Fatalf("pending doses %q, want %q", got, c.want)
				}
				for i := range got {
					if got[i] != c.want[i] {
						t.Fatalf("pending doses %q, want %q", got, c.want)
					}
				}
				// Identity is kept: the same dose rows move (or stay); none is cancelled and re-created.
				var cancelled, moved int64
				db.Model(&store.DoseInstance{}).Where("patient_id = ? AND state = ?", b.w.Patient.ID, store.DoseCancelled).Count(&cancelled)
				db.Model(&store.DoseHistory{}).Where("to_state = ?", store.HistRescheduled).Count(&moved)
				if cancelled != 0 || (c.policy == "local") != (moved == 3) {
					t.Fatalf("%d doses cancelled, %d rescheduled", cancelled, moved)
				}
				if after := b.dose(t, t0); after.State != store.DoseTaken || after.LocalTime != "08:00" {
					t.Fatalf("history rewritten: %+v", after)
				}
			})
		})
	}
}
