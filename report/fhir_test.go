package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

type fhirBundle struct {
	ResourceType, ID, Type, Timestamp string
	Meta                              struct{ Tag []map[string]string }
	Link                              []map[string]string
	Entry                             []struct {
		FullURL  string         `json:"fullUrl"`
		Resource map[string]any `json:"resource"`
	}
}

// res finds the resource typ/id in the bundle.
func (fb fhirBundle) res(typ, id string) map[string]any {
	for _, e := range fb.Entry {
		if e.Resource["resourceType"] == typ && e.Resource["id"] == id {
			return e.Resource
		}
	}
	return nil
}

// getFHIR fetches the export (with a forged Host header), validates it
// against the R4 schema and checks that every reference resolves in it.
func getFHIR(t *testing.T, b *bundle, srvURL, query string) fhirBundle {
	t.Helper()
	req, _ := http.NewRequest("GET", srvURL+pathf("/v1/patients/{id}/fhir", b.w.Patient.ID)+query, nil)
	req.Header.Set("Authorization", "Bearer "+b.token(t, b.w.Physician))
	req.Host = "attacker.example"
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	body := bytes.NewBuffer(raw)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/fhir+json") {
		t.Fatalf("status %d type %s: %s", res.StatusCode, res.Header.Get("Content-Type"), body.String())
	}
	if strings.Contains(body.String(), "attacker.example") {
		t.Errorf("the export uses the request's Host header")
	}
	validateFHIR(t, []byte(body.String()))
	var fb fhirBundle
	must(t, json.Unmarshal([]byte(body.String()), &fb))
	checkReferences(t, fb)
	return fb
}

// checkReferences: fullUrls unique; every reference resolves to an entry
// (relative to the fullUrl base, or a urn:uuid equal to a fullUrl).
func checkReferences(t *testing.T, fb fhirBundle) {
	t.Helper()
	urls := map[string]bool{}
	for _, e := range fb.Entry {
		if urls[e.FullURL] {
			t.Errorf("duplicate fullUrl %s", e.FullURL)
		}
		urls[e.FullURL] = true
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["reference"].(string); ok && !urls[ref] && !resolvesRelative(urls, ref) {
				t.Errorf("reference %s does not resolve in the bundle", ref)
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	for _, e := range fb.Entry {
		walk(e.Resource)
	}
}

func resolvesRelative(urls map[string]bool, ref string) bool {
	for u := range urls {
		if strings.HasSuffix(u, "/fhir/"+ref) && !strings.HasPrefix(ref, "urn:") {
			return true
		}
	}
	return false
}

// The export says exactly what happened, and is valid FHIR R4 (the official
// JSON schema, zero errors), with and without DOSELOOP_PUBLIC_URL.
func TestFHIRExportSaysWhatHappened(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		s := addScenario(t, db, b)
		fb := getFHIR(t, b, b.srv.URL, "?period=30d")
		checkExport(t, db, b, s, fb)
		for _, e := range fb.Entry {
			if !strings.HasPrefix(e.FullURL, "urn:uuid:") {
				t.Errorf("without DOSELOOP_PUBLIC_URL fullUrl %s is not a urn:uuid", e.FullURL)
			}
		}
		// With a public URL: fullUrls under it, references relative.
		r := gin.New()
		r.Use(httpx.Errors())
		(&report.API{DB: db, Clock: clock.NewFake(now), PublicURL: "https://doseloop.example.org"}).Register(r, b.authn.Required())
		srv := httptestServer(t, r)
		fb = getFHIR(t, b, srv, "?from=2026-03-01&to=2026-03-31")
		checkExport(t, db, b, s, fb)
		for _, e := range fb.Entry {
			if !strings.HasPrefix(e.FullURL, "https://doseloop.example.org/fhir/") {
				t.Errorf("fullUrl %s is not under DOSELOOP_PUBLIC_URL", e.FullURL)
			}
		}
		if fb.Link[0]["url"] != fmt.Sprintf("https://doseloop.example.org/v1/patients/%d/fhir?from=2026-03-01&to=2026-03-31", b.w.Patient.ID) {
			t.Errorf("self link %v", fb.Link)
		}
	})
}

func checkExport(t *testing.T, db *gorm.DB, b *bundle, s scenario, fb fhirBundle) {
	t.Helper()
	if fb.ResourceType != "Bundle" || fb.Type != "collection" || len(fb.Link) != 1 || fb.Link[0]["relation"] != "self" ||
		len(fb.Meta.Tag) != 1 || !strings.Contains(fb.Meta.Tag[0]["display"], "America/New_York") {
		t.Fatalf("bundle header does not state its window: link %v meta %v", fb.Link, fb.Meta)
	}
	dose := func(id int64) map[string]any { return fb.res("MedicationAdministration", fmt.Sprintf("dose-%d", id)) }
	status := func(id int64) any { return dose(id)["status"] }
	// Every Timing carries the patient's IANA zone.
	for _, e := range fb.Entry {
		if e.Resource["resourceType"] != "MedicationRequest" {
			continue
		}
		timing := e.Resource["dosageInstruction"].([]any)[0].(map[string]any)["timing"].(map[string]any)
		ext := timing["extension"].([]any)[0].(map[string]any)
		if ext["url"] != report.ExtTimezone || ext["valueCode"] != "America/New_York" {
			t.Errorf("timing without the timezone extension: %v", timing)
		}
	}
	// The double dose is two administrations; the second by the patient.
	second := fb.res("MedicationAdministration", fmt.Sprintf("dose-%d-2", s.double))
	if status(s.double) != "completed" || second == nil || second["status"] != "completed" ||
		second["effectiveDateTime"] == dose(s.double)["effectiveDateTime"] {
		t.Errorf("double dose: first %v second %v", dose(s.double), second)
	}
	// Unconfirmed while offline is unknown, not not-done; an excluded dose says why.
	if status(s.outage) != "unknown" || status(s.excluded) != "unknown" ||
		!strings.Contains(fmt.Sprint(dose(s.excluded)["statusReason"]), "hospitalised: knee surgery") {
		t.Errorf("outage %v, excluded %v", dose(s.outage), dose(s.excluded))
	}
	// Who recorded it: the dispenser as a Device with its serial, the caregiver as a RelatedPerson.
	dev := fb.res("Device", fmt.Sprintf("dispenser-%d", s.dispenser.ID))
	if dev == nil || dev["serialNumber"] != "DL-TEST-0042" || !strings.Contains(fmt.Sprint(dose(s.dispensed)["performer"]), "dispenser DL-TEST-0042") {
		t.Errorf("dispenser source: device %v, performer %v", dev, dose(s.dispensed)["performer"])
	}
	if fb.res("RelatedPerson", fmt.Sprintf("caregiver-%d", b.w.Caregiver.ID)) == nil ||
		!strings.Contains(fmt.Sprint(dose(s.byCaregiver)["performer"]), "(caregiver)") {
		t.Errorf("caregiver source: %v", dose(s.byCaregiver)["performer"])
	}
	// The correction is visible: eventHistory -> Provenance by the physician, saying what it was.
	hist, _ := dose(s.corrected)["eventHistory"].([]any)
	var prov map[string]any
	for _, e := range fb.Entry {
		if e.Resource["resourceType"] == "Provenance" {
			prov = e.Resource
		}
	}
	if len(hist) != 1 || prov == nil || !strings.Contains(fmt.Sprint(prov["reason"]), "corrected from missed to taken: patient showed") ||
		!strings.Contains(fmt.Sprint(prov["agent"]), b.w.Physician.Name) {
		t.Errorf("correction: eventHistory %v provenance %v", hist, prov)
	}
	// Every taken, missed and skipped dose of the window is there exactly once (plus the second of the double).
	w := report.LastDays(30, report.PatientZone(&b.w.Patient), now)
	if fb.Link[0]["url"] != "" && strings.Contains(fb.Link[0]["url"], "from=2026-03-01") {
		w, _ = report.ParseWindow("", "2026-03-01", "2026-03-31", report.PatientZone(&b.w.Patient), now)
	}
	var n, doubles int64
	q := db.Model(&store.DoseInstance{}).Where("patient_id = ? AND scheduled_at >= ? AND scheduled_at < ?", b.w.Patient.ID, w.FromUTC, w.ToUTC)
	q.Session(&gorm.Session{}).Where("state IN ('taken','missed','skipped')").Count(&n)
	q.Session(&gorm.Session{}).Where("state = 'taken' AND double_dose").Count(&doubles)
	admins := 0
	for _, e := range fb.Entry {
		if e.Resource["resourceType"] == "MedicationAdministration" {
			admins++
		}
	}
	if int64(admins) != n+doubles || n < 40 || doubles == 0 {
		t.Errorf("%d administrations for %d recorded doses (+%d doubles)", admins, n, doubles)
	}
}

func httptestServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
