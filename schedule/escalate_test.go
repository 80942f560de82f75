package schedule_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestEscalationLadder drives the minute jobs with a fake clock from 07:59
// to 11:30 New York time for the 08:00 dose and checks who heard what, when.
func TestEscalationLadder(t *testing.T) {
	t.Parallel()
	base := []string{
		"08:00 reminder dose_reminder patient",
		"08:15 rereminder dose_rereminder patient",
		"09:15 escalation missed_dose_patient patient",
		"09:30 escalation missed_dose_caregiver caregiver1",
	}
	cases := []struct {
		name    string
		prepare func(t *testing.T, b *bundle)
		act     func(t *testing.T, b *bundle) // at 09:35
		want    []string
	}{
		{"default ladder, non-critical: no physician", nil, nil,
			with(base, "10:00 escalation missed_dose_caregiver caregiver2")},
		{"critical regimen reaches the physician at +120", func(t *testing.T, b *bundle) {
			b.db.Model(&store.Regimen{}).Where("id = ?", b.w.Regimen.ID).Update("critical", true)
		}, nil, with(base, "10:00 escalation missed_dose_caregiver caregiver2", "11:00 escalation missed_dose_physician physician")},
		{"dose recorded stops the ladder", nil, func(t *testing.T, b *bundle) {
			d := b.dose(t, t0)
			err := b.db.Transaction(func(tx *gorm.DB) error {
				out, err := schedule.RecordTaken(tx, d.ID, b.clk.Now(), schedule.Actor{Source: "patient"})
				if out != schedule.OutcomeLate {
					t.Errorf("outcome %q, want taken_late", out)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}, base},
		{"acknowledgement stops the ladder", nil, func(t *testing.T, b *bundle) {
			now := b.clk.Now()
			b.db.Model(&store.Alert{}).Where("patient_id = ?", b.w.Patient.ID).
				Updates(map[string]any{"closed_at": now, "acknowledged_at": now, "acknowledged_by": b.w.Caregiver.ID})
		}, base},
		{"muted caregiver is skipped, the next one still hears", func(t *testing.T, b *bundle) {
			until := t0.Add(24 * time.Hour)
			b.db.Model(&store.CareLink{}).Where("id = ?", b.w.Link.ID).Update("muted_until", until)
		}, nil, with(base[:3], "10:00 escalation missed_dose_caregiver caregiver2")},
		{"per-patient policy: caregiver first at +5", func(t *testing.T, b *bundle) {
			b.db.Model(&store.Patient{}).Where("id = ?", b.w.Patient.ID).
				Update("escalation_policy", `{"steps":[{"after_min":5,"notify":"caregiver","order":1}]}`)
		}, nil, with(base[:2], "09:05 escalation missed_dose_caregiver caregiver1")},
		{"a step naming push and webhook queues one row per channel", func(t *testing.T, b *bundle) {
			b.db.Model(&store.Patient{}).Where("id = ?", b.w.Patient.ID).
				Update("escalation_policy", `{"steps":[{"after_min":5,"notify":"caregiver","order":1,"channels":["push","webhook"]}]}`)
		}, nil, with(base[:2], "09:05 escalation missed_dose_caregiver caregiver1", "09:05 escalation missed_dose_caregiver caregiver1")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *gorm.DB) {
				b := setup(t, db, "esc")
				second := addCaregiver(t, b, 2)
				b.names[second] = "caregiver2"
				if c.prepare != nil {
					c.prepare(t, b)
				}
				b.expand(t)
				if c.act != nil {
					b.run(t, t0.Add(95*time.Minute))
					c.act(t, b)
				}
				b.run(t, t0.Add(210*time.Minute))
				equalLines(t, b.sent(t), c.want)
				d := b.dose(t, t0)
				var alerts []store.Alert
				db.Where("dose_id = ?", d.ID).Find(&alerts)
				if len(alerts) != 1 {
					t.Fatalf("want one alert for the missed dose, got %d", len(alerts))
				}
			})
		})
	}
}

// TestMissedThenTakenIsLateAndDoubleDoseFlagged follows one dose through the
// state machine.
func TestMissedThenTakenIsLateAndDoubleDoseFlagged(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db, "sm")
		b.expand(t)
		b.run(t, t0.Add(59*time.Minute))
		if d := b.dose(t, t0); d.State != store.DosePending {
			t.Fatalf("at +59 min the dose is %s, want pending (grace is 60)", d.State)
		}
		b.run(t, t0.Add(60*time.Minute))
		d := b.dose(t, t0)
		if d.State != store.DoseMissed || d.MissedAt == nil {
			t.Fatalf("at +60 min the dose is %s, want missed", d.State)
		}
		for i, want := range []string{schedule.OutcomeLate, schedule.OutcomeDoubleDose} {
			var out string
			err := db.Transaction(func(tx *gorm.DB) (err error) {
				out, err = schedule.RecordTaken(tx, d.ID, t0.Add(70*time.Minute), schedule.Actor{Source: "dispenser"})
				return err
			})
			if err != nil || out != want {
				t.Fatalf("report %d: outcome %q err %v, want %q", i+1, out, err, want)
			}
		}
		d = b.dose(t, t0)
		if d.State != store.DoseTaken || d.OnTime == nil || *d.OnTime || !d.DoubleDose {
			t.Fatalf("dose after two reports: %+v", d)
		}
		var a store.Alert
		db.Where("dose_id = ?", d.ID).Take(&a)
		if a.ClosedAt == nil || a.CloseReason != "dose_recorded" {
			t.Fatalf("alert not closed by the late dose: %+v", a)
		}
		// The next dose, taken within the window, is on time.
		next := b.dose(t, t0.Add(12*time.Hour))
		var out string
		db.Transaction(func(tx *gorm.DB) (err error) {
			out, err = schedule.RecordTaken(tx, next.ID, t0.Add(12*time.Hour-20*time.Minute), schedule.Actor{Source: "patient"})
			return err
		})
		if out != schedule.OutcomeOnTime {
			t.Fatalf("taken 20 min early: %q, want on time", out)
		}
	})
}

func addCaregiver(t *testing.T, b *bundle, order int) int64 {
	t.Helper()
	now := b.w.Clinic.CreatedAt
	u := store.User{ClinicID: b.w.Clinic.ID, Email: b.w.Caregiver.Email + ".2", Name: "Second Care", Role: store.RoleCaregiver,
		PasswordHash: storetest.PasswordHash, Locale: "en", CreatedAt: now, UpdatedAt: now}
	if err := b.db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	l := store.CareLink{PatientID: b.w.Patient.ID, CaregiverID: &u.ID, EscalationOrder: order, State: store.LinkActive, CreatedAt: now}
	if err := b.db.Create(&l).Error; err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// with copies base before appending, so cases never share a backing array.
func with(base []string, more ...string) []string {
	return append(append([]string(nil), base...), more...)
}
