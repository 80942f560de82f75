package report_test

import (
	"strings"
	"testing"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// reportPaths are the per-patient physician endpoints.
var reportPaths = []string{"/v1/patients/{id}/adherence", "/v1/patients/{id}/doses.csv", "/v1/patients/{id}/fhir",
	"/v1/patients/{id}/adherence?period=7d", "/v1/patients/{id}/fhir?from=2026-03-01&to=2026-03-07"}

// TestReportAuthorizationMatrix is the authorization matrix of the report
// endpoints, written as the attack: every role asks for the physician
// report, the CSV and the FHIR export of the patient. Care-team physicians
// and the clinic's admins read them; a physician outside the care team and
// another clinic's admin get 404; the patient's own linked caregiver and
// the patient get 403 wrong_role (as does any caregiver, for any id, so the
// answer says nothing about which ids exist). No refusal carries the
// patient's data, and each refusal is audited as denied.
func TestReportAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		other := storetest.NewWorld(t, db, "other", now)
		outsider := store.User{ClinicID: b.w.Clinic.ID, Email: "outsider@example.test", Name: "Dr. Out", Role: store.RolePhysician,
			PasswordHash: storetest.PasswordHash, CreatedAt: now, UpdatedAt: now}
		db.Create(&outsider)
		matrix := []struct {
			who  string
			u    store.User
			id   int64
			want int
		}{
			{"care-team physician", b.w.Physician, b.w.Patient.ID, 200},
			{"clinic admin", b.w.Admin, b.w.Patient.ID, 200},
			{"physician outside the care team", outsider, b.w.Patient.ID, 404},
			{"admin of another clinic", other.Admin, b.w.Patient.ID, 404},
			{"linked caregiver", b.w.Caregiver, b.w.Patient.ID, 403},
			{"the patient", b.w.PatientUsr, b.w.Patient.ID, 403},
			{"caregiver of another clinic", other.Caregiver, b.w.Patient.ID, 403},
			{"linked caregiver, unknown id", b.w.Caregiver, 999999, 403},
		}
		refused := 0
		for _, m := range matrix {
			for _, p := range reportPaths {
				res, body := b.get(t, m.u, pathf(p, m.id))
				if res.StatusCode != m.want {
					t.Errorf("%s %s: status %d, want %d: %.200s", m.who, p, res.StatusCode, m.want, body)
				}
				if m.want == 200 {
					continue
				}
				refused++
				if res.Header.Get("Content-Type") != httpx.ProblemContentType || strings.Contains(string(body), b.w.Patient.Name) ||
					strings.Contains(string(body), b.w.Medication.Name) || (m.want == 403) != strings.Contains(string(body), `"wrong_role"`) {
					t.Errorf("%s %s: refusal %s is not a bare problem", m.who, p, body)
				}
			}
		}
		var denied int64
		db.Model(&store.AuditEntry{}).Where("action LIKE 'report.%' AND outcome = ?", auth.OutcomeDenied).Count(&denied)
		if denied != int64(refused) {
			t.Errorf("denied audit rows = %d, want %d (one per refusal)", denied, refused)
		}
	})
}
