package report

import "regexp"

// FHIR R4 datatypes, only the elements DoseLoop fills. Field names follow
// the specification (https://hl7.org/fhir/R4/); resources are maps so each
// builder writes only what it knows.
type (
	// Bundle is a FHIR R4 Bundle of type collection.
	Bundle struct {
		ResourceType string        `json:"resourceType"`
		ID           string        `json:"id"`
		Meta         *Meta         `json:"meta,omitempty"`
		Type         string        `json:"type"`
		Timestamp    string        `json:"timestamp"`
		Link         []BundleLink  `json:"link,omitempty"`
		Entry        []BundleEntry `json:"entry"`
	}
	// Meta carries the Bundle's tags (the window it covers).
	Meta struct {
		Tag []Coding `json:"tag,omitempty"`
	}
	// BundleLink is a link about the whole Bundle ("self": the query that made it).
	BundleLink struct {
		Relation string `json:"relation"`
		URL      string `json:"url"`
	}
	// BundleEntry holds one resource with its fullUrl.
	BundleEntry struct {
		FullURL  string `json:"fullUrl"`
		Resource any    `json:"resource"`
	}
	// Reference points at another resource in the Bundle.
	Reference struct {
		Reference string `json:"reference,omitempty"`
		Display   string `json:"display,omitempty"`
	}
	// Coding is a code from a code system.
	Coding struct {
		System  string `json:"system,omitempty"`
		Code    string `json:"code,omitempty"`
		Display string `json:"display,omitempty"`
	}
	// CodeableConcept is codings plus text.
	CodeableConcept struct {
		Coding []Coding `json:"coding,omitempty"`
		Text   string   `json:"text,omitempty"`
	}
	// Quantity is a measured amount.
	Quantity struct {
		Value  float64 `json:"value"`
		Unit   string  `json:"unit,omitempty"`
		System string  `json:"system,omitempty"`
		Code   string  `json:"code,omitempty"`
	}
	// Annotation is a note.
	Annotation struct {
		Text string `json:"text"`
	}
	// Extension is an R4 extension with a code value.
	Extension struct {
		URL       string `json:"url"`
		ValueCode string `json:"valueCode"`
	}
)

// Code systems and extensions DoseLoop uses.
const (
	SystemRxNorm        = "http://www.nlm.nih.gov/research/umls/rxnorm"
	SystemPatientID     = "urn:doseloop:patient"
	SystemDispenser     = "urn:doseloop:dispenser-serial"
	SystemDoseOutcome   = "https://doseloop.dev/fhir/CodeSystem/dose-outcome"
	SystemReportWindow  = "https://doseloop.dev/fhir/CodeSystem/report-window"
	SystemUCUM          = "http://unitsofmeasure.org"
	SystemDataOperation = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
	// ExtTimezone is the R4 extension naming a Timing's IANA time zone.
	ExtTimezone = "http://hl7.org/fhir/StructureDefinition/timezone"
)

// fhirID is the FHIR id syntax.
var fhirID = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)
