package storetest

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// World is a small clinic for tests: one admin, one physician on the
// patient's care team, one linked caregiver and a patient (with a login) in
// America/New_York who takes one medication twice a day.
type World struct {
	Clinic     store.Clinic
	Admin      store.User
	Physician  store.User
	Caregiver  store.User
	PatientUsr store.User
	Patient    store.Patient
	Link       store.CareLink
	Medication store.Medication
	Regimen    store.Regimen
}

// PasswordHash is a bcrypt hash (cost 4) of "correct horse battery staple",
// the password of every World user.
const PasswordHash = "$2a$04$5d7Mh5m35qGILKOl021/SOP5tBhHsQPjzLWt8lFT7l1XYBMhyg6Wy"

// NewWorld inserts a World into db with emails made unique by prefix.
func NewWorld(t testing.TB, db *gorm.DB, prefix string, now time.Time) *World {
	t.Helper()
	w := &World{}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed world: %v", err)
		}
	}
	w.Clinic = store.Clinic{Name: prefix + " clinic", TimeZone: "America/New_York", CreatedAt: now}
	must(db.Create(&w.Clinic).Error)
	user := func(role, name string) store.User {
		u := store.User{ClinicID: w.Clinic.ID, Email: prefix + "-" + role + "@example.test", Name: name,
			Role: role, PasswordHash: PasswordHash, Locale: "en", LockScreenPrivate: true, CreatedAt: now, UpdatedAt: now}
		must(db.Create(&u).Error)
		return u
	}
	w.Admin = user(store.RoleAdmin, "Ada Admin")
	w.Physician = user(store.RolePhysician, "Dr. Paula Phys")
	w.Caregiver = user(store.RoleCaregiver, "Carl Care")
	w.PatientUsr = user(store.RolePatient, "Pat Patient")
	w.Patient = store.Patient{ClinicID: w.Clinic.ID, UserID: &w.PatientUsr.ID, Name: "Pat Patient",
		TimeZone: "America/New_York", HomeTimeZone: "America/New_York", TravelPolicy: "home", CreatedAt: now, UpdatedAt: now}
	must(db.Create(&w.Patient).Error)
	must(db.Create(&store.CareTeamMember{PatientID: w.Patient.ID, PhysicianID: w.Physician.ID, CreatedAt: now}).Error)
	w.Link = store.CareLink{PatientID: w.Patient.ID, CaregiverID: &w.Caregiver.ID, EscalationOrder: 1,
		State: store.LinkActive, CreatedAt: now, AcceptedAt: &now}
	must(db.Create(&w.Link).Error)
	w.Medication = store.Medication{ClinicID: w.Clinic.ID, Name: "Metformin", Strength: "500 mg", Form: "tablet", CreatedAt: now}
	must(db.Create(&w.Medication).Error)
	w.Regimen = store.Regimen{PatientID: w.Patient.ID, MedicationID: w.Medication.ID, DoseQuantity: 1, DoseUnit: "tablet",
		Timing: `{"timeOfDay":["08:00","20:00"]}`, OnTimeWindowMin: 60, GraceMin: 60, StartsAt: now.AddDate(0, 0, -30),
		CreatedBy: &w.Physician.ID, CreatedAt: now, UpdatedAt: now}
	must(db.Create(&w.Regimen).Error)
	return w
}
