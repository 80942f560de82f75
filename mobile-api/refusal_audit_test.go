package mobileapi_test

import (
	"testing"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestRefusalsFiledUnderTargetedPatient: another clinic's caregiver probing
// clinic A's dose, alert, patient and link gets 404s, and every refusal is
// audited under the A patient and A's clinic chain, where A's admins look.
func TestRefusalsFiledUnderTargetedPatient(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := setup(t, db)
		h.users["intruder"] = h.B.Caregiver
		h.login("intruder")
		d := h.dose("08:00", store.DosePending)
		_, al := h.missedWithAlert("07:00")
		pid := itoa(h.A.Patient.ID)
		for _, c := range []struct{ method, path, action string }{
			{"POST", "/v1/doses/" + itoa(d.ID) + "/take", "dose.take"},
			{"POST", "/v1/alerts/" + itoa(al.ID) + "/ack", "alert.ack"},
			{"GET", "/v1/caregiver/patients/" + pid + "/today", "doses.today"},
			{"DELETE", "/v1/links/" + itoa(h.A.Link.ID), "link.end"},
		} {
			h.expect(h.do("intruder", c.method, c.path, nil), 404)
			var e store.AuditEntry
			if err := db.Where("action = ? AND outcome = ? AND actor_id = ?", c.action, auth.OutcomeDenied, h.B.Caregiver.ID).
				Last(&e).Error; err != nil {
				t.Fatalf("%s: no denied audit row: %v", c.action, err)
			}
			if e.PatientID == nil || *e.PatientID != h.A.Patient.ID || e.ChainKey != h.A.Clinic.ID {
				t.Errorf("%s: filed under patient %v, chain %d; want patient %d, clinic %d", c.action, e.PatientID, e.ChainKey,
					h.A.Patient.ID, h.A.Clinic.ID)
			}
		}
	})
}
