package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// pastExports is the CSV and every FHIR administration of a window that
// lies wholly in the past.
func pastExports(t *testing.T, b *bundle, srv string) (string, map[string]string) {
	t.Helper()
	const q = "?from=2026-03-01&to=2026-03-30"
	_, csvBody := b.get(t, b.w.Physician, pathf("/v1/patients/{id}/doses.csv", b.w.Patient.ID)+q)
	fb := getFHIR(t, b, srv, q)
	admins := map[string]string{}
	for _, e := range fb.Entry {
		if e.Resource["resourceType"] == "MedicationAdministration" {
			j, _ := json.Marshal(e.Resource)
			admins[e.Resource["id"].(string)] = string(j)
		}
	}
	return string(csvBody), admins
}

func patchRegimen(t *testing.T, b *bundle, srv string, body map[string]any) int {
	t.Helper()
	j, _ := json.Marshal(body)
	req, _ := http.NewRequest("PATCH", fmt.Sprintf("%s/v1/patients/%d/regimens/%d", srv, b.w.Patient.ID, b.w.Regimen.ID), bytes.NewReader(j))
	req.Header.Set("Authorization", "Bearer "+b.token(t, b.w.Physician))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	msg, _ := io.ReadAll(res.Body)
	t.Logf("PATCH %s: %d %s", j, res.StatusCode, msg)
	return res.StatusCode
}

// A quantity change and a medication change through the real regimen API
// leave every past CSV row and every past FHIR administration exactly as it
// was: each dose shows what was prescribed when it was scheduled.
func TestPrescriptionChangesLeavePastExportsAlone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		addScenario(t, db, b)
		// The world's regimen as the 00100 migration leaves it: version 1, every dose on it.
		reg := b.w.Regimen
		v1, err := schedule.SyncVersion(db, &reg, now.AddDate(0, 0, -60), nil)
		must(t, err)
		must(t, db.Exec("UPDATE dose_instances SET version_id = ? WHERE regimen_id = ?", v1, reg.ID).Error)
		other := store.Medication{ClinicID: b.w.Clinic.ID, Name: "Acetaminophen", Strength: "500 mg", Form: "tablet", CreatedAt: now}
		must(t, db.Create(&other).Error)

		r := gin.New()
		r.Use(httpx.Errors())
		clk := clock.NewFake(now)
		(&report.API{DB: db, Clock: clk, PublicURL: "https://doseloop.example.org"}).Register(r, b.authn.Required())
		(&schedule.API{DB: db, Clock: clk, Auth: b.authn}).Register(r)
		srv := httptest.NewServer(r)
		t.Cleanup(srv.Close)

		csvBefore, fhirBefore := pastExports(t, b, srv.URL)
		if len(fhirBefore) < 40 || !bytes.Contains([]byte(csvBefore), []byte(",1,Metformin")) {
			t.Fatalf("before: %d administrations; csv:\n%.400s", len(fhirBefore), csvBefore)
		}
		if code := patchRegimen(t, b, srv.URL, map[string]any{"dose_quantity": 2}); code != 200 {
			t.Fatalf("quantity change: %d", code)
		}
		clk.Set(now.Add(time.Minute))
		if code := patchRegimen(t, b, srv.URL, map[string]any{"medication_id": other.ID}); code != 200 && code != 409 {
			t.Fatalf("medication change: %d", code)
		}
		clk.Set(now)
		csvAfter, fhirAfter := pastExports(t, b, srv.URL)
		if csvAfter != csvBefore {
			t.Errorf("past CSV rows changed:\nbefore %.600s\nafter  %.600s", csvBefore, csvAfter)
		}
		for id, before := range fhirBefore {
			if fhirAfter[id] != before {
				t.Errorf("administration %s changed:\nbefore %s\nafter  %s", id, before, fhirAfter[id])
			}
		}
		if len(fhirAfter) != len(fhirBefore) {
			t.Errorf("%d administrations before, %d after", len(fhirBefore), len(fhirAfter))
		}
		var versions int64
		db.Model(&store.RegimenVersion{}).Where("regimen_id = ?", reg.ID).Count(&versions)
		if versions < 2 {
			t.Errorf("the quantity change made no new version (%d)", versions)
		}
	})
}
