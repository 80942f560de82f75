package report_test

import (
	"bytes"
	"os"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The official FHIR R4 (4.0.1) JSON schema, http://hl7.org/fhir/json-schema/4.0,
// shipped as test data (testdata/fhir.schema.json; see the note there).
var (
	fhirSchemaOnce sync.Once
	fhirSchema     *jsonschema.Schema
	fhirSchemaErr  error
)

func loadFHIRSchema() (*jsonschema.Schema, error) {
	fhirSchemaOnce.Do(func() {
		f, err := os.Open("testdata/fhir.schema.json")
		if err != nil {
			fhirSchemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			fhirSchemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		if fhirSchemaErr = c.AddResource("http://hl7.org/fhir/json-schema/4.0", doc); fhirSchemaErr == nil {
			fhirSchema, fhirSchemaErr = c.Compile("http://hl7.org/fhir/json-schema/4.0")
		}
	})
	return fhirSchema, fhirSchemaErr
}

// validateFHIR fails t unless body is valid against the R4 JSON schema.
func validateFHIR(t *testing.T, body []byte) {
	t.Helper()
	sch, err := loadFHIRSchema()
	if err != nil {
		t.Fatalf("FHIR schema: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("export is not valid FHIR R4:\n%v", err)
	}
}

// The validator is not a rubber stamp: it refuses what R4 refuses.
func TestFHIRSchemaRefusesInvalid(t *testing.T) {
	t.Parallel()
	sch, err := loadFHIRSchema()
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		`{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"MedicationAdministration","status":"completed","subject":{"reference":"Patient/p"},"medicationReference":{"reference":"Medication/m"},"effectiveDateTime":"2026-03-01T08:00:00Z","bogus":1}}]}`,
		`{"resourceType":"Bundle","type":"collection","timestamp":"yesterday"}`,
		`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"reference":"Patient/p"},"medicationReference":{"reference":"Medication/m"},"dosageInstruction":[{"timing":{"repeat":{"timeOfDay":["8:00"]}}}]}}]}`,
	} {
		inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(bad)))
		if sch.Validate(inst) == nil {
			t.Errorf("schema accepted %s", bad)
		}
	}
}
