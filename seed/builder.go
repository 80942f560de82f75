package seed

import (
	"fmt"
	"strings"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// builder inserts the demo clinic inside one transaction.
type builder struct {
	tx     *gorm.DB
	now    time.Time
	hash   string
	clinic store.Clinic
	meds   map[string]store.Medication
	err    error
}

func (b *builder) create(v any) {
	if b.err == nil {
		b.err = b.tx.Create(v).Error
	}
}

func (b *builder) user(role, name, locale string) store.User {
	email := strings.ToLower(strings.NewReplacer("Dr. ", "dr.", " ", ".", "'", "", "í", "i", "á", "a", "é", "e", "ó", "o", "ñ", "n").Replace(name)) + "@demo.doseloop.local"
	u := store.User{ClinicID: b.clinic.ID, Email: email, Name: name, Role: role, PasswordHash: b.hash,
		Locale: locale, LockScreenPrivate: true, CreatedAt: b.now, UpdatedAt: b.now}
	b.create(&u)
	return u
}

func (b *builder) build() error {
	b.clinic = store.Clinic{Name: DemoClinicName, TimeZone: "America/New_York", CreatedAt: b.now}
	b.create(&b.clinic)
	b.user(store.RoleAdmin, "Alex Admin", "en")
	docs := []store.User{b.user(store.RolePhysician, "Dr. Amara Okafor", "en"), b.user(store.RolePhysician, "Dr. Erik Lindqvist", "en")}
	b.medications()
	var caregivers []store.User
	for _, name := range []string{"Grace Miller", "Tom Nguyen", "Lucia Fernandez", "Sam Patel", "Hannah Becker", "Omar Haddad"} {
		caregivers = append(caregivers, b.user(store.RoleCaregiver, name, "en"))
	}
	for i, p := range demoPatients {
		b.patient(i, p, docs[i%2], caregivers[i/2], caregivers[(i/2+1)%len(caregivers)])
	}
	return b.err
}

func (b *builder) medications() {
	b.meds = map[string]store.Medication{}
	for _, m := range demoMedications {
		med := store.Medication{ClinicID: b.clinic.ID, Name: m.name, Strength: m.strength, Form: m.form,
			RxnormCode: m.rxnorm, Antiretroviral: m.arv, CreatedAt: b.now}
		b.create(&med)
		b.meds[m.name] = med
	}
}

func (b *builder) patient(i int, p demoPatient, doc, cg1, cg2 store.User) {
	u := b.user(store.RolePatient, p.name, p.locale)
	pt := store.Patient{ClinicID: b.clinic.ID, UserID: &u.ID, Name: p.name, BirthDate: p.born, TimeZone: p.zone,
		HomeTimeZone: p.zone, TravelPolicy: "home", CreatedAt: b.now, UpdatedAt: b.now}
	b.create(&pt)
	b.create(&store.CareTeamMember{PatientID: pt.ID, PhysicianID: doc.ID, CreatedAt: b.now})
	for order, cg := range []store.User{cg1, cg2} {
		accepted := b.now
		b.create(&store.CareLink{PatientID: pt.ID, CaregiverID: &cg.ID, EscalationOrder: order + 1,
			State: store.LinkActive, CreatedAt: b.now, AcceptedAt: &accepted})
	}
	start := b.now.AddDate(0, 0, -historyDays).Truncate(24 * time.Hour)
	for c, r := range p.regimens {
		reg := store.Regimen{PatientID: pt.ID, MedicationID: b.meds[r.med].ID, DoseQuantity: r.qty, DoseUnit: r.unit,
			Timing: r.timing, AsNeeded: r.prn, OnTimeWindowMin: 60, GraceMin: 60, Critical: r.critical,
			StartsAt: start, CreatedBy: &doc.ID, CreatedAt: b.now, UpdatedAt: b.now}
		if p.dispenser && !r.prn {
			compartment := c + 1
			reg.Compartment = &compartment
		}
		b.create(&reg)
	}
	if p.dispenser {
		serial := fmt.Sprintf("DL-DEMO-%04d", i+1)
		b.create(&store.Dispenser{ClinicID: b.clinic.ID, Serial: serial, PublicKey: DispenserPublicKey(serial),
			PatientID: &pt.ID, Model: "DoseLoop Hub 2", HeartbeatIntervalS: 900, CreatedAt: b.now, UpdatedAt: b.now})
	}
}
