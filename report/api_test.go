package report_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

type bundle struct {
	db     *gorm.DB
	srv    *httptest.Server
	authn  *auth.Service
	w      *storetest.World
	tokens map[string]string // email -> access token
}

func setup(t *testing.T, db *gorm.DB) *bundle {
	t.Helper()
	gin.SetMode(gin.TestMode)
	clk := clock.NewFake(now)
	b := &bundle{db: db, authn: auth.NewService(db, clk, []byte("0123456789abcdef0123456789abcdef")), tokens: map[string]string{}}
	b.w = storetest.NewWorld(t, db, "api", now)
	addDoses(t, db, b.w.Patient, b.w.Regimen.ID, 40, mixed)
	r := gin.New()
	r.Use(httpx.Errors())
	(&report.API{DB: db, Clock: clk}).Register(r, b.authn.Required())
	b.srv = httptest.NewServer(r)
	t.Cleanup(b.srv.Close)
	return b
}

func (b *bundle) token(t *testing.T, u store.User) string {
	t.Helper()
	if tok := b.tokens[u.Email]; tok != "" {
		return tok
	}
	tok, err := b.authn.Login(context.Background(), u.Email, "correct horse battery staple", "test")
	if err != nil {
		t.Fatalf("login %s: %v", u.Email, err)
	}
	b.tokens[u.Email] = tok.AccessToken
	return tok.AccessToken
}

func (b *bundle) get(t *testing.T, u store.User, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", b.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+b.token(t, u))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

func pathf(s string, id int64) string {
	return strings.ReplaceAll(s, "{id}", strconv.FormatInt(id, 10))
}

func TestAdherenceAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		res, body := b.get(t, b.w.Physician, pathf("/v1/patients/{id}/adherence?period=30d", b.w.Patient.ID))
		if res.StatusCode != 200 {
			t.Fatalf("status %d: %s", res.StatusCode, body)
		}
		var got report.PatientReport
		json.Unmarshal(body, &got)
		want, _ := report.Load(context.Background(), db, &b.w.Patient, report.LastDays(30, report.PatientZone(&b.w.Patient), now))
		if got.Overall.Scheduled != want.Overall.Scheduled || got.Overall.Taken != want.Overall.Taken || got.Overall.Scheduled == 0 ||
			len(got.Days) != len(want.Days) || len(got.Regimens) != 1 || got.Regimens[0].Figures == nil {
			t.Fatalf("API report %+v does not match %+v", got.Overall, want.Overall)
		}
		var n int64
		db.Model(&store.AuditEntry{}).Where("action = ? AND patient_id = ? AND outcome = 'ok'", "report.adherence", b.w.Patient.ID).Count(&n)
		if n != 1 {
			t.Errorf("audit rows for the view = %d, want 1", n)
		}
		for _, q := range []string{"period=12d", "from=2026-02-30&to=2026-03-01", "from=2026-03-10&to=2026-03-01", "from=2020-01-01&to=2026-03-01"} {
			res, body := b.get(t, b.w.Physician, pathf("/v1/patients/{id}/adherence?", b.w.Patient.ID)+q)
			if res.StatusCode != 400 || res.Header.Get("Content-Type") != httpx.ProblemContentType {
				t.Errorf("%s: status %d %s, want 400 problem", q, res.StatusCode, body)
			}
		}
		res, body = b.get(t, b.w.Physician, pathf("/v1/patients/{id}/adherence?from=2026-03-01&to=2026-03-07", b.w.Patient.ID))
		json.Unmarshal(body, &got)
		if w := got.Window; res.StatusCode != 200 || len(got.Days) != 7 || w.FromUTC.Format("15:04") != "05:00" || w.From != "2026-03-01" ||
			w.To != "2026-03-07" || w.TimeZone != "America/New_York" || w.Days != 7 {
			t.Errorf("from/to week: status %d, %d days, window %+v; want 7 days from New York midnight", res.StatusCode, len(got.Days), w)
		}
	})
}

// A physician of another clinic, one outside the care team, and an admin of
// another clinic all get 404 from every per-patient export, and the
// clinic-wide list never shows them the patient. (Caregivers get 403 before
// any lookup: see TestCaregiversAndPatientsCannotReadReports.)
func TestForeignPatientIsNotFound(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		other := storetest.NewWorld(t, db, "other", now)
		outsider := store.User{ClinicID: b.w.Clinic.ID, Email: "outsider@example.test", Name: "Dr. Out", Role: store.RolePhysician,
			PasswordHash: storetest.PasswordHash, CreatedAt: now, UpdatedAt: now}
		db.Create(&outsider)
		for _, u := range []store.User{other.Physician, outsider, other.Admin} {
			for _, p := range []string{"/v1/patients/{id}/adherence", "/v1/patients/{id}/doses.csv", "/v1/patients/{id}/fhir"} {
				res, body := b.get(t, u, pathf(p, b.w.Patient.ID))
				if res.StatusCode != 404 || strings.Contains(string(body), b.w.Patient.Name) {
					t.Errorf("%s %s: status %d, want 404 without the patient's data", u.Email, p, res.StatusCode)
				}
			}
		}
		for _, u := range []store.User{other.Physician, outsider} {
			_, body := b.get(t, u, "/v1/clinic/adherence.csv")
			if strings.Contains(string(body), "\n"+strconv.FormatInt(b.w.Patient.ID, 10)+",") {
				t.Errorf("%s sees the patient in the clinic CSV", u.Email)
			}
		}
		var denied int64
		db.Model(&store.AuditEntry{}).Where("patient_id = ? AND outcome = ?", b.w.Patient.ID, auth.OutcomeDenied).Count(&denied)
		if denied != 9 {
			t.Errorf("denied audit rows = %d, want 9", denied)
		}
	})
}

func TestCSVExports(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		res, body := b.get(t, b.w.Physician, pathf("/v1/patients/{id}/doses.csv?period=7d", b.w.Patient.ID))
		recs, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
		if err != nil || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("doses.csv: %v %s", err, res.Header.Get("Content-Type"))
		}
		rep, _ := report.Load(context.Background(), db, &b.w.Patient, report.LastDays(7, report.PatientZone(&b.w.Patient), now))
		if len(recs) != len(rep.Doses)+1 || recs[0][0] != "dose_id" || len(rep.Doses) < 14 {
			t.Fatalf("doses.csv has %d records for %d doses", len(recs), len(rep.Doses))
		}
		res, body = b.get(t, b.w.Physician, "/v1/clinic/adherence.csv?period=30d")
		recs, err = csv.NewReader(strings.NewReader(string(body))).ReadAll()
		if err != nil || res.StatusCode != 200 || len(recs) != 2 || recs[1][1] != b.w.Patient.Name || recs[1][8] == "" {
			t.Fatalf("clinic csv: %v %v", err, recs)
		}
		res, _ = b.get(t, b.w.Caregiver, "/v1/clinic/adherence.csv")
		if res.StatusCode != 403 {
			t.Errorf("caregiver clinic csv: %d, want 403", res.StatusCode)
		}
	})
}

// The report says how many of its figures include a correction, and lists
// the absences with the doses each left out, with the reason.
func TestReportShowsCorrectionsAndAbsences(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		s := addScenario(t, db, b)
		_, body := b.get(t, b.w.Physician, pathf("/v1/patients/{id}/adherence?period=30d", b.w.Patient.ID))
		var got report.PatientReport
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		if got.Overall.Corrections != 1 || got.Regimens[0].Figures.Corrections != 1 || got.Overall.Excused != 1 {
			t.Errorf("corrections %d (regimen %d), excluded %d; want 1, 1, 1", got.Overall.Corrections, got.Regimens[0].Figures.Corrections, got.Overall.Excused)
		}
		if len(got.Absences) != 1 || got.Absences[0].ID != s.absence.ID || got.Absences[0].Kind != "hospitalised" ||
			got.Absences[0].Reason != "knee surgery" || got.Absences[0].Excluded != 1 {
			t.Errorf("absences = %+v", got.Absences)
		}
		_, csvBody := b.get(t, b.w.Physician, pathf("/v1/patients/{id}/doses.csv?period=30d", b.w.Patient.ID))
		recs, _ := csv.NewReader(strings.NewReader(string(csvBody))).ReadAll()
		found := 0
		for _, r := range recs[1:] {
			switch r[0] {
			case strconv.FormatInt(s.excluded, 10):
				found += b2i(r[17] == "true" && r[18] == "hospitalised: knee surgery")
			case strconv.FormatInt(s.corrected, 10):
				found += b2i(r[16] == "true" && r[9] == "taken")
			}
		}
		if found != 2 || recs[0][17] != "excluded" || recs[0][18] != "excluded_reason" {
			t.Errorf("CSV does not show the exclusion and the correction: header %v", recs[0])
		}
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
