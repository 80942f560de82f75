package auth_test

import (
	"context"
	"testing"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestVisiblePatients checks each relationship grants exactly its patients.
func TestVisiblePatients(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		a := storetest.NewWorld(t, db, "a", t0)
		b := storetest.NewWorld(t, db, "b", t0)
		ctx := context.Background()
		db.Model(&store.CareLink{}).Where("id = ?", b.Link.ID).Update("state", store.LinkRevoked)
		cases := []struct {
			name string
			who  store.User
			see  bool // may see patient a
		}{
			{"admin of the clinic", a.Admin, true},
			{"care-team physician", a.Physician, true},
			{"linked caregiver", a.Caregiver, true},
			{"the patient", a.PatientUsr, true},
			{"admin of another clinic", b.Admin, false},
			{"physician of another clinic", b.Physician, false},
			{"other patient", b.PatientUsr, false},
			{"caregiver of another patient", b.Caregiver, false},
		}
		for _, c := range cases {
			p := auth.Principal{UserID: c.who.ID, Role: c.who.Role, ClinicID: c.who.ClinicID}
			pt, err := auth.LoadPatient(ctx, db, p, a.Patient.ID)
			if c.see && (err != nil || pt.ID != a.Patient.ID) {
				t.Errorf("%s: want access, got %v", c.name, err)
			}
			if !c.see && !apperr.Is(err, apperr.NotFound) {
				t.Errorf("%s: want not found, got %v", c.name, err)
			}
		}
		// Revoking a link takes effect on the very next check.
		db.Model(&store.CareLink{}).Where("id = ?", a.Link.ID).Update("state", store.LinkRevoked)
		p := auth.Principal{UserID: a.Caregiver.ID, Role: store.RoleCaregiver, ClinicID: a.Clinic.ID}
		if _, err := auth.LoadPatient(ctx, db, p, a.Patient.ID); !apperr.Is(err, apperr.NotFound) {
			t.Fatalf("revoked caregiver: want not found, got %v", err)
		}
	})
}
