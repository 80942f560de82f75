package auth

import (
	"context"
	"errors"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// VisiblePatients returns a query of the ids of patients p may see:
// admins see their clinic's patients, physicians their care-team patients,
// caregivers patients with an active link, patients themselves. A
// physician also sees a patient of the clinic under an open break-glass
// access until it expires (at p.Now, the request's clock). Use it as a
// subquery ("patient_id IN (?)") so foreign rows are never loaded at all.
func VisiblePatients(db *gorm.DB, p Principal) *gorm.DB {
	q := db.Session(&gorm.Session{NewDB: true}).Model(&store.Patient{}).Select("patients.id")
	switch p.Role {
	case store.RoleAdmin:
		return q.Where("patients.clinic_id = ?", p.ClinicID)
	case store.RolePhysician:
		now := p.Now
		if now.IsZero() {
			now = db.NowFunc()
		}
		return q.Where("patients.clinic_id = ? AND (EXISTS (SELECT 1 FROM care_team_members ctm WHERE ctm.patient_id = patients.id AND ctm.physician_id = ?)"+
			" OR EXISTS (SELECT 1 FROM break_glass bg WHERE bg.patient_id = patients.id AND bg.physician_id = ? AND bg.ended_at IS NULL AND bg.expires_at > ?))",
			p.ClinicID, p.UserID, p.UserID, now)
	case store.RoleCaregiver:
		return q.Joins("JOIN care_links cl ON cl.patient_id = patients.id").
			Where("cl.caregiver_id = ? AND cl.state = ?", p.UserID, store.LinkActive)
	case store.RolePatient:
		return q.Where("patients.user_id = ?", p.UserID)
	}
	return q.Where("1 = 0")
}

// ErrPatientNotFound is what a caller gets for a patient it may not see, so
// it cannot tell a foreign patient from a missing one.
var ErrPatientNotFound = apperr.E(apperr.NotFound, "no such patient")

// LoadPatient loads a patient p may see. Errors: NotFound.
func LoadPatient(ctx context.Context, db *gorm.DB, p Principal, patientID int64) (*store.Patient, error) {
	var pt store.Patient
	err := db.WithContext(ctx).Where("id = ? AND id IN (?)", patientID, VisiblePatients(db, p)).Take(&pt).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrPatientNotFound
	}
	return &pt, err
}

// OwnPatient returns the patient record of a patient principal. Errors: NotFound.
func OwnPatient(ctx context.Context, db *gorm.DB, p Principal) (*store.Patient, error) {
	var pt store.Patient
	err := db.WithContext(ctx).Where("user_id = ?", p.UserID).Take(&pt).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "this account has no patient record")
	}
	return &pt, err
}
