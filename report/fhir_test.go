package report_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

var (
	fhirID       = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)
	fhirTime     = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$`)
	fhirDateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$`)
)

// The export is a FHIR R4 collection Bundle a server would accept: valid ids,
// unique fullUrls, every reference resolving inside the bundle, required
// elements present, codes from the R4 value sets.
func TestFHIRBundle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		res, body := b.get(t, b.w.Physician, pathf("/v1/patients/{id}/fhir?period=30d", b.w.Patient.ID))
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/fhir+json") {
			t.Fatalf("status %d type %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		var bundle struct {
			ResourceType, ID, Type, Timestamp string
			Entry                             []struct {
				FullURL  string         `json:"fullUrl"`
				Resource map[string]any `json:"resource"`
			}
		}
		if err := json.Unmarshal(body, &bundle); err != nil {
			t.Fatal(err)
		}
		if bundle.ResourceType != "Bundle" || bundle.Type != "collection" || !fhirID.MatchString(bundle.ID) || !fhirDateTime.MatchString(bundle.Timestamp) {
			t.Fatalf("bundle header: %+v", bundle)
		}
		known, urls, kinds := map[string]bool{}, map[string]bool{}, map[string]int{}
		for _, e := range bundle.Entry {
			rt, id := e.Resource["resourceType"].(string), e.Resource["id"].(string)
			if !fhirID.MatchString(id) || urls[e.FullURL] || !strings.HasSuffix(e.FullURL, "/fhir/"+rt+"/"+id) || !strings.HasPrefix(e.FullURL, "http") {
				t.Errorf("bad id or fullUrl: %s %s", id, e.FullURL)
			}
			urls[e.FullURL], known[rt+"/"+id] = true, true
			kinds[rt]++
		}
		var completed, notDone int
		for _, e := range bundle.Entry {
			r := e.Resource
			for _, k := range []string{"subject", "medicationReference", "request"} {
				if ref, ok := r[k].(map[string]any); ok && !known[ref["reference"].(string)] {
					t.Errorf("%s %s: reference %v does not resolve", r["resourceType"], r["id"], ref["reference"])
				}
			}
			switch r["resourceType"] {
			case "MedicationRequest":
				requireKeys(t, r, "status", "intent", "medicationReference", "subject", "dosageInstruction")
				rep := r["dosageInstruction"].([]any)[0].(map[string]any)["timing"].(map[string]any)["repeat"].(map[string]any)
				tods := rep["timeOfDay"].([]any)
				if len(tods) != 2 || tods[0] != "08:00:00" || !fhirTime.MatchString(tods[1].(string)) {
					t.Errorf("timing.repeat.timeOfDay = %v", tods)
				}
			case "MedicationAdministration":
				requireKeys(t, r, "status", "medicationReference", "subject", "effectiveDateTime")
				if !fhirDateTime.MatchString(r["effectiveDateTime"].(string)) {
					t.Errorf("effectiveDateTime %v", r["effectiveDateTime"])
				}
				switch r["status"] {
				case "completed":
					completed++
				case "not-done":
					notDone++
					requireKeys(t, r, "statusReason")
				default:
					t.Errorf("administration status %v", r["status"])
				}
			}
		}
		var taken, refused int64
		from := report.LastDays(30, report.PatientZone(&b.w.Patient), now).FromUTC
		db.Model(&store.DoseInstance{}).Where("patient_id = ? AND scheduled_at >= ? AND state = 'taken'", b.w.Patient.ID, from).Count(&taken)
		db.Model(&store.DoseInstance{}).Where("patient_id = ? AND scheduled_at >= ? AND state IN ('missed','skipped')", b.w.Patient.ID, from).Count(&refused)
		if kinds["Patient"] != 1 || kinds["Medication"] != 1 || kinds["MedicationRequest"] != 1 || int64(completed) != taken || int64(notDone) != refused || taken == 0 || refused == 0 {
			t.Errorf("resources %v, completed %d/%d, not-done %d/%d", kinds, completed, taken, notDone, refused)
		}
	})
}

func requireKeys(t *testing.T, r map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if r[k] == nil {
			t.Errorf("%s %s lacks required %s", r["resourceType"], r["id"], k)
		}
	}
}
