package admin

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// Clinic is the clinic admin's patient, care-team, caregiver and formulary
// actions as plain calls, for the dashboard's forms; every call is scoped
// to one clinic, so another clinic's objects answer NotFound.
type Clinic struct {
	DB    *gorm.DB
	Clock clock.Clock
}

// NewPatient is what the add-patient form asks for.
type NewPatient struct{ Name, BirthDate, TimeZone, TravelPolicy string }

// AddPatient creates a patient record (without a login). Errors: Invalid.
func (a Clinic) AddPatient(ctx context.Context, clinicID int64, in NewPatient) (*store.Patient, error) {
	req := createPatientRequest{Name: strings.TrimSpace(in.Name), BirthDate: strings.TrimSpace(in.BirthDate),
		TimeZone: strings.TrimSpace(in.TimeZone), TravelPolicy: in.TravelPolicy}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if !utf8.ValidString(req.Name) || strings.ContainsRune(req.Name, 0) || len(req.Name) > 200 {
		return nil, apperr.Validation(apperr.FieldError{Field: "name", Message: "must be at most 200 characters of text"})
	}
	now := a.Clock.Now()
	pt := store.Patient{ClinicID: clinicID, Name: req.Name, BirthDate: req.BirthDate, TimeZone: req.TimeZone,
		HomeTimeZone: req.TimeZone, TravelPolicy: req.TravelPolicy, CreatedAt: now, UpdatedAt: now}
	return &pt, a.DB.WithContext(ctx).Create(&pt).Error
}

// Relocate sets the patient's current zone and travel policy; future
// pending doses are re-expanded, the record of past ones is untouched.
// Errors: Invalid, NotFound.
func (a Clinic) Relocate(ctx context.Context, clinicID, patientID int64, zone, policy string) error {
	req := createPatientRequest{Name: "x", TimeZone: strings.TrimSpace(zone), TravelPolicy: policy}
	if err := req.Validate(); err != nil {
		return err
	}
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		pt, err := a.patient(tx, clinicID, patientID)
		if err != nil {
			return err
		}
		return schedule.ChangeZone(tx, pt, req.TimeZone, req.TravelPolicy, a.Clock.Now(), schedule.DefaultHorizon)
	})
}

func (a Clinic) patient(tx *gorm.DB, clinicID, patientID int64) (*store.Patient, error) {
	var pt store.Patient
	err := tx.Where("id = ? AND clinic_id = ?", patientID, clinicID).Take(&pt).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "no such patient")
	}
	return &pt, err
}

// user checks id is an enabled user with role in the clinic. Errors: Invalid.
func (a Clinic) user(tx *gorm.DB, clinicID, id int64, role string) error {
	var n int64
	err := tx.Model(&store.User{}).Where("id = ? AND role = ? AND clinic_id = ? AND disabled_at IS NULL", id, role, clinicID).Count(&n).Error
	if err == nil && n == 0 {
		return apperr.Validation(apperr.FieldError{Field: role + "_id", Message: "choose a " + role + " of this clinic"})
	}
	return err
}

// SetPhysician adds (on) or removes a physician from a patient's care team;
// doing what is already done changes nothing. Errors: Invalid, NotFound.
func (a Clinic) SetPhysician(ctx context.Context, clinicID, patientID, physicianID int64, on bool) error {
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := a.patient(tx, clinicID, patientID); err != nil {
			return err
		}
		if err := a.user(tx, clinicID, physicianID, store.RolePhysician); err != nil {
			return err
		}
		m := store.CareTeamMember{PatientID: patientID, PhysicianID: physicianID, CreatedAt: a.Clock.Now()}
		if !on {
			return tx.Where("patient_id = ? AND physician_id = ?", patientID, physicianID).Delete(&store.CareTeamMember{}).Error
		}
		var n int64
		if err := tx.Model(&m).Where("patient_id = ? AND physician_id = ?", patientID, physicianID).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		return tx.Create(&m).Error
	})
}

// LinkCaregiver links a caregiver to a patient, active at once (the admin
// records the patient's consent), last in the escalation order.
// Errors: Invalid, NotFound, Conflict (already linked).
func (a Clinic) LinkCaregiver(ctx context.Context, clinicID, patientID, caregiverID int64) error {
	return a.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := a.patient(tx, clinicID, patientID); err != nil {
			return err
		}
		if err := a.user(tx, clinicID, caregiverID, store.RoleCaregiver); err != nil {
			return err
		}
		var links []store.CareLink
		if err := tx.Where("patient_id = ? AND state IN ?", patientID, []string{store.LinkActive, store.LinkPending}).Find(&links).Error; err != nil {
			return err
		}
		order := 1
		for _, l := range links {
			if l.CaregiverID != nil && *l.CaregiverID == caregiverID {
				return apperr.E(apperr.Conflict, "this caregiver is already linked to this patient")
			}
			order = max(order, l.EscalationOrder+1)
		}
		now := a.Clock.Now()
		return tx.Create(&store.CareLink{PatientID: patientID, CaregiverID: &caregiverID, EscalationOrder: order,
			State: store.LinkActive, CreatedAt: now, AcceptedAt: &now}).Error
	})
}

// NewMedication is what the add-medication form asks for.
type NewMedication struct {
	Name, Strength, Form, Rxnorm string
	Antiretroviral               bool
}

// AddMedication adds a medication to the clinic's formulary. Errors: Invalid.
func (a Clinic) AddMedication(ctx context.Context, clinicID int64, in NewMedication) (*store.Medication, error) {
	var f []apperr.FieldError
	for field, v := range map[string]string{"name": in.Name, "strength": in.Strength, "form": in.Form, "rxnorm": in.Rxnorm} {
		if len(v) > 200 || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			f = append(f, apperr.FieldError{Field: field, Message: "must be at most 200 characters of text"})
		}
	}
	if strings.TrimSpace(in.Name) == "" {
		f = append(f, apperr.FieldError{Field: "name", Message: "is required"})
	}
	if len(f) > 0 {
		return nil, apperr.Validation(f...)
	}
	m := store.Medication{ClinicID: clinicID, Name: strings.TrimSpace(in.Name), Strength: strings.TrimSpace(in.Strength),
		Form: strings.TrimSpace(in.Form), RxnormCode: strings.TrimSpace(in.Rxnorm), Antiretroviral: in.Antiretroviral, CreatedAt: a.Clock.Now()}
	return &m, a.DB.WithContext(ctx).Create(&m).Error
}
