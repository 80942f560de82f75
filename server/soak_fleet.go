package main

import (
	"context"
	"fmt"
	"time"

	"github.com/doseloop/doseloop/dispenser/sim"
	"github.com/doseloop/doseloop/seed"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// soakSlots are the four daily dose times of every soak patient (UTC).
var soakSlots = []string{"02:00", "08:00", "14:00", "20:00"}

// soakPolicy sends a missed dose at once to the caregiver's SMS gateway.
const soakPolicy = `{"steps":[{"after_min":0,"notify":"caregiver","order":1,"channels":["webhook"]}]}`

// soakFleet creates n patients, each with a caregiver, a four-times-daily
// regimen in compartment 1 and a dispenser, and returns the devices.
func soakFleet(ctx context.Context, db *gorm.DB, n int, now time.Time) (int64, []*sim.Device, error) {
	c := store.Clinic{Name: "Soak clinic", TimeZone: "UTC", CreatedAt: now}
	if err := db.Create(&c).Error; err != nil {
		return 0, nil, err
	}
	med := store.Medication{ClinicID: c.ID, Name: "Soakamine", CreatedAt: now}
	if err := db.Create(&med).Error; err != nil {
		return 0, nil, err
	}
	var devs []*sim.Device
	for start := 0; start < n; start += 500 {
		d, err := soakBatch(db.WithContext(ctx), c.ID, med.ID, start, min(n, start+500), now)
		if err != nil {
			return 0, nil, err
		}
		devs = append(devs, d...)
	}
	return c.ID, devs, nil
}

func soakBatch(db *gorm.DB, clinicID, medID int64, from, to int, now time.Time) ([]*sim.Device, error) {
	var users []store.User
	var patients []store.Patient
	for i := from; i < to; i++ {
		users = append(users, store.User{ClinicID: clinicID, Email: fmt.Sprintf("soak-care-%05d@example.test", i), Name: "Soak caregiver",
			Role: store.RoleCaregiver, PasswordHash: "!", Locale: "en", CreatedAt: now, UpdatedAt: now})
		patients = append(patients, store.Patient{ClinicID: clinicID, Name: fmt.Sprintf("Soak patient %05d", i), TimeZone: "UTC",
			HomeTimeZone: "UTC", TravelPolicy: "home", EscalationPolicy: soakPolicy, CreatedAt: now, UpdatedAt: now})
	}
	if err := db.Create(&users).Error; err != nil {
		return nil, err
	}
	if err := db.Create(&patients).Error; err != nil {
		return nil, err
	}
	var links []store.CareLink
	var regimens []store.Regimen
	var disp []store.Dispenser
	var devs []*sim.Device
	one := 1
	for k, p := range patients {
		links = append(links, store.CareLink{PatientID: p.ID, CaregiverID: &users[k].ID, EscalationOrder: 1, State: store.LinkActive,
			CreatedAt: now, AcceptedAt: &now})
		regimens = append(regimens, store.Regimen{PatientID: p.ID, MedicationID: medID, DoseQuantity: 1, DoseUnit: "tablet",
			Timing: `{"timeOfDay":["02:00","08:00","14:00","20:00"]}`, OnTimeWindowMin: 60, GraceMin: 60, Compartment: &one,
			StartsAt: now.Add(-time.Hour), CreatedAt: now, UpdatedAt: now})
		serial := fmt.Sprintf("SOAK-%05d", from+k)
		disp = append(disp, store.Dispenser{ClinicID: clinicID, Serial: serial, PublicKey: seed.DispenserPublicKey(serial),
			PatientID: &patients[k].ID, Model: "soak", HeartbeatIntervalS: 7 * 86400, CreatedAt: now, UpdatedAt: now})
		devs = append(devs, &sim.Device{Serial: serial, Key: seed.DispenserKey(serial)})
	}
	for _, rows := range []any{&links, &regimens, &disp} {
		if err := db.Create(rows).Error; err != nil {
			return nil, err
		}
	}
	return devs, nil
}
