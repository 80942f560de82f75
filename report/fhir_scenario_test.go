package report_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// scenario marks doses of the setup world with what the export must say
// exactly, and returns their ids.
type scenario struct {
	dispensed, double, byCaregiver, corrected, outage, excluded int64
	dispenser                                                   store.Dispenser
	absence                                                     store.PatientAbsence
}

// dose finds the world patient's dose due days ago at slot (0 = 08:00, 1 = 20:00).
func findDose(t *testing.T, db *gorm.DB, b *bundle, daysAgo, slot int) store.DoseInstance {
	t.Helper()
	var doses []store.DoseInstance
	db.Where("patient_id = ? AND regimen_id = ?", b.w.Patient.ID, b.w.Regimen.ID).Order("scheduled_at DESC").Find(&doses)
	zone, _ := time.LoadLocation(b.w.Patient.TimeZone)
	date := now.In(zone).AddDate(0, 0, -daysAgo).Format(time.DateOnly)
	for _, d := range doses {
		if d.LocalDate == date && (d.LocalTime == "08:00") == (slot == 0) {
			return d
		}
	}
	t.Fatalf("no dose %d days ago slot %d", daysAgo, slot)
	return store.DoseInstance{}
}

func hist(t *testing.T, db *gorm.DB, h store.DoseHistory) store.DoseHistory {
	t.Helper()
	if err := db.Create(&h).Error; err != nil {
		t.Fatalf("history: %v", err)
	}
	return h
}

func addScenario(t *testing.T, db *gorm.DB, b *bundle) scenario {
	t.Helper()
	var s scenario
	pid := b.w.Patient.ID
	s.dispenser = store.Dispenser{ClinicID: b.w.Clinic.ID, Serial: "DL-TEST-0042", PublicKey: "k", PatientID: &pid, Model: "DoseLoop P1",
		HeartbeatIntervalS: 900, CreatedAt: now, UpdatedAt: now}
	must(t, db.Create(&s.dispenser).Error)
	set := func(d store.DoseInstance, upd map[string]any) { must(t, db.Model(&d).Updates(upd).Error) }
	taken := func(d store.DoseInstance, at time.Time) {
		set(d, map[string]any{"state": "taken", "taken_at": at, "on_time": true, "double_dose": false, "during_outage": false})
	}

	d := findDose(t, db, b, 2, 0) // taken at the dispenser
	taken(d, d.ScheduledAt.Add(3*time.Minute))
	set(d, map[string]any{"source": "dispenser"})
	hist(t, db, store.DoseHistory{DoseID: d.ID, FromState: "pending", ToState: "taken", At: d.ScheduledAt.Add(4 * time.Minute), Source: "dispenser", DispenserID: &s.dispenser.ID})
	s.dispensed = d.ID

	d = findDose(t, db, b, 3, 0) // taken at the dispenser, then again by hand
	taken(d, d.ScheduledAt.Add(2*time.Minute))
	set(d, map[string]any{"source": "dispenser", "double_dose": true})
	hist(t, db, store.DoseHistory{DoseID: d.ID, FromState: "pending", ToState: "taken", At: d.ScheduledAt.Add(2 * time.Minute), Source: "dispenser", DispenserID: &s.dispenser.ID})
	hist(t, db, store.DoseHistory{DoseID: d.ID, FromState: "taken", ToState: "double_dose", At: d.ScheduledAt.Add(47 * time.Minute), Source: "patient", ActorUserID: &b.w.PatientUsr.ID})
	s.double = d.ID

	d = findDose(t, db, b, 3, 1) // confirmed by the caregiver
	taken(d, d.ScheduledAt.Add(10*time.Minute))
	set(d, map[string]any{"source": "caregiver"})
	hist(t, db, store.DoseHistory{DoseID: d.ID, FromState: "pending", ToState: "taken", At: d.ScheduledAt.Add(11 * time.Minute), Source: "caregiver", ActorUserID: &b.w.Caregiver.ID})
	s.byCaregiver = d.ID

	d = findDose(t, db, b, 6, 0) // missed, corrected to taken by the physician
	missed := hist(t, db, store.DoseHistory{DoseID: d.ID, FromState: "pending", ToState: "missed", At: d.ScheduledAt.Add(time.Hour), Source: "system"})
	taken(d, d.ScheduledAt.Add(20*time.Minute))
	set(d, map[string]any{"source": "physician", "corrected": true})
	hist(t, db, store.DoseHistory{DoseID: d.ID, FromState: "missed", ToState: "taken", At: now.Add(-time.Hour), Source: "physician",
		ActorUserID: &b.w.Physician.ID, Reason: "patient showed the emptied blister at the visit", CorrectsID: &missed.ID})
	s.corrected = d.ID

	d = findDose(t, db, b, 7, 1) // missed while the dispenser was offline
	set(d, map[string]any{"state": "missed", "taken_at": nil, "during_outage": true, "double_dose": false})
	s.outage = d.ID

	d = findDose(t, db, b, 8, 0) // in hospital
	s.absence = store.PatientAbsence{PatientID: pid, StartsAt: d.ScheduledAt.Add(-time.Hour), EndsAt: d.ScheduledAt.Add(time.Hour),
		Reason: "knee surgery", Kind: "hospitalised"}
	must(t, db.Create(&s.absence).Error)
	set(d, map[string]any{"state": "missed", "taken_at": nil, "excluded": true, "absence_id": s.absence.ID, "double_dose": false, "during_outage": false})
	s.excluded = d.ID
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
