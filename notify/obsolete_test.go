package notify_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// An escalation waiting in the outbox (quiet hours, retry) is not sent once
// a caregiver acknowledged the alert, and a reminder is not sent once the
// dose was taken; a row whose alert is still open goes out.
func TestObsoleteRowsAreNotSent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		b.token(t, b.w.Caregiver.ID, "tok-caregiver")
		b.token(t, b.w.PatientUsr.ID, "tok-patient")
		now := b.clk.Now()
		dose := store.DoseInstance{PatientID: b.w.Patient.ID, RegimenID: b.w.Regimen.ID, ScheduledAt: now.Add(-2 * time.Hour),
			LocalDate: "2026-06-10", LocalTime: "08:00", State: store.DoseTaken, TakenAt: &now, CreatedAt: now, UpdatedAt: now}
		open := store.DoseInstance{PatientID: b.w.Patient.ID, RegimenID: b.w.Regimen.ID, ScheduledAt: now.Add(-3 * time.Hour),
			LocalDate: "2026-06-10", LocalTime: "07:00", State: store.DoseMissed, CreatedAt: now, UpdatedAt: now}
		for _, d := range []*store.DoseInstance{&dose, &open} {
			if err := db.Create(d).Error; err != nil {
				t.Fatal(err)
			}
		}
		acked := store.Alert{PatientID: b.w.Patient.ID, Kind: store.AlertMissedDose, DoseID: &dose.ID, OpenedAt: now, ClosedAt: &now, CloseReason: "acknowledged"}
		still := store.Alert{PatientID: b.w.Patient.ID, Kind: store.AlertMissedDose, DoseID: &open.ID, OpenedAt: now}
		db.Create(&acked)
		db.Create(&still)
		rows := []store.Notification{
			{DedupeKey: "acked", RecipientID: b.w.Caregiver.ID, AlertID: &acked.ID, DoseID: &dose.ID},
			{DedupeKey: "reminder", RecipientID: b.w.PatientUsr.ID, DoseID: &dose.ID},
			{DedupeKey: "open", RecipientID: b.w.Caregiver.ID, AlertID: &still.ID, DoseID: &open.ID},
		}
		for i := range rows {
			rows[i].Channel, rows[i].Kind, rows[i].NotBefore, rows[i].CreatedAt = "push", "escalation", now, now
			if _, err := store.Enqueue(db, &rows[i], reminder(dose.ID)); err != nil {
				t.Fatal(err)
			}
		}
		if st := b.tick(t); st.Sent != 1 || st.Dead != 2 {
			t.Fatalf("stats %+v, want 1 sent (open alert) and 2 obsolete", st)
		}
		for _, r := range rows[:2] {
			if got := b.row(t, r.ID); got.State != store.NotifyDead || got.LastError != notify.ReasonObsolete {
				t.Fatalf("%s: %s %q, want dead obsolete", r.DedupeKey, got.State, got.LastError)
			}
		}
		if n := len(b.fake.Accepted("tok-patient")); n != 0 {
			t.Fatalf("patient got %d reminders for a dose already taken", n)
		}
	})
}
