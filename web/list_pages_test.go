package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// A care team of 130 patients is two pages of the list, worst first across
// both: page 2 holds the last 31 and links back; a page past the end shows
// the last page rather than nothing.
func TestListIsPaged(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		var pts []store.Patient
		for i := range 129 {
			pts = append(pts, store.Patient{ClinicID: b.w.Clinic.ID, Name: fmt.Sprintf("Paged %03d", i), TimeZone: "UTC",
				HomeTimeZone: "UTC", TravelPolicy: "home", CreatedAt: now, UpdatedAt: now})
		}
		must(t, db.Create(&pts).Error)
		for _, p := range pts {
			must(t, db.Create(&store.CareTeamMember{PatientID: p.ID, PhysicianID: b.w.Physician.ID, CreatedAt: now}).Error)
		}
		c := b.client(t)
		c.login(b.w.Physician.Email)
		_, first := c.get("/web/patients?sort=name")
		mustContain(t, "page 1", first, "Patients 1–100 of 130", `rel="next"`, "Paged 000")
		if n := strings.Count(first, "data-patient-id="); n != 100 {
			t.Errorf("page 1 shows %d patients, want 100", n)
		}
		for _, path := range []string{"/web/patients?sort=name&page=2", "/web/patients?sort=name&page=9"} {
			_, body := c.get(path)
			mustContain(t, path, body, "Patients 101–130 of 130", `rel="prev"`, "Paged 128")
			if n := strings.Count(body, "data-patient-id="); n != 30 || strings.Contains(body, `rel="next"`) {
				t.Errorf("%s shows %d patients (want 30) or a next link", path, n)
			}
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
