package report

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/store"
)

// FHIR R4 resources, only the elements DoseLoop fills. Field names follow
// the specification (https://hl7.org/fhir/R4/).
type (
	// Bundle is a FHIR R4 Bundle of type collection.
	Bundle struct {
		ResourceType string        `json:"resourceType"`
		ID           string        `json:"id"`
		Type         string        `json:"type"`
		Timestamp    string        `json:"timestamp"`
		Entry        []BundleEntry `json:"entry"`
	}
	// BundleEntry holds one resource with its absolute fullUrl.
	BundleEntry struct {
		FullURL  string `json:"fullUrl"`
		Resource any    `json:"resource"`
	}
	// Reference points at another resource ("Medication/med-1").
	Reference struct {
		Reference string `json:"reference"`
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
)

// Code systems DoseLoop uses.
const (
	SystemRxNorm      = "http://www.nlm.nih.gov/research/umls/rxnorm"
	SystemPatientID   = "urn:doseloop:patient"
	SystemDoseOutcome = "https://doseloop.dev/fhir/CodeSystem/dose-outcome"
	SystemUCUM        = "http://unitsofmeasure.org"
)

// fhirID is the FHIR id syntax.
var fhirID = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)

func patientRes(pt *store.Patient) map[string]any {
	r := map[string]any{"resourceType": "Patient", "id": patientRef(pt.ID)[len("Patient/"):],
		"identifier": []map[string]string{{"system": SystemPatientID, "value": strconv.FormatInt(pt.ID, 10)}},
		"name":       []map[string]string{{"text": pt.Name}}, "active": true}
	if _, err := time.Parse(time.DateOnly, pt.BirthDate); err == nil {
		r["birthDate"] = pt.BirthDate
	}
	return r
}

func medicationRes(r RegimenInfo) map[string]any {
	code := CodeableConcept{Text: r.Medication + " " + r.Strength}
	if r.RxnormCode != "" {
		code.Coding = []Coding{{System: SystemRxNorm, Code: r.RxnormCode, Display: r.Medication}}
	}
	m := map[string]any{"resourceType": "Medication", "id": fmt.Sprintf("med-%d", r.MedicationID), "code": code}
	if r.Form != "" {
		m["form"] = CodeableConcept{Text: r.Form}
	}
	return m
}

func patientRef(id int64) string { return fmt.Sprintf("Patient/pt-%d", id) }

func requestRes(pt *store.Patient, r RegimenInfo, now time.Time) map[string]any {
	status := "active"
	if !r.Active(now) {
		status = "stopped"
		if r.StoppedAt == nil {
			status = "completed"
		}
	}
	return map[string]any{
		"resourceType": "MedicationRequest", "id": fmt.Sprintf("rx-%d", r.ID), "status": status, "intent": "order",
		"medicationReference": Reference{Reference: fmt.Sprintf("Medication/med-%d", r.MedicationID), Display: r.Medication},
		"subject":             Reference{Reference: patientRef(pt.ID), Display: pt.Name},
		"authoredOn":          r.StartsAt.UTC().Format(time.RFC3339),
		"dosageInstruction":   []map[string]any{dosage(r)},
	}
}

// timingRepeat is the FHIR Timing.repeat subset regimens.timing stores.
type timingRepeat struct {
	Frequency        int      `json:"frequency,omitempty"`
	Period           float64  `json:"period,omitempty"`
	PeriodUnit       string   `json:"periodUnit,omitempty"`
	DayOfWeek        []string `json:"dayOfWeek,omitempty"`
	TimeOfDay        []string `json:"timeOfDay,omitempty"`
	MaxDosePerPeriod *struct {
		Count      int     `json:"count"`
		Period     float64 `json:"period"`
		PeriodUnit string  `json:"periodUnit"`
	} `json:"maxDosePerPeriod,omitempty"`
}

func dosage(r RegimenInfo) map[string]any {
	var t timingRepeat
	_ = json.Unmarshal([]byte(r.Timing), &t) // an unreadable timing exports as bounds only
	repeat := map[string]any{"boundsPeriod": bounds(r)}
	for i, tod := range t.TimeOfDay {
		if len(tod) == 5 {
			t.TimeOfDay[i] = tod + ":00" // FHIR time is HH:MM:SS
		}
	}
	if len(t.TimeOfDay) > 0 {
		repeat["timeOfDay"] = t.TimeOfDay
	}
	if t.Frequency > 0 && t.Period > 0 && t.PeriodUnit != "" {
		repeat["frequency"], repeat["period"], repeat["periodUnit"] = t.Frequency, t.Period, t.PeriodUnit
	}
	if len(t.DayOfWeek) > 0 {
		repeat["dayOfWeek"] = t.DayOfWeek
	}
	d := map[string]any{"text": DescribeTiming(r.Timing), "timing": map[string]any{"repeat": repeat},
		"asNeededBoolean": r.AsNeeded,
		"doseAndRate":     []map[string]any{{"doseQuantity": Quantity{Value: r.DoseQuantity, Unit: r.DoseUnit}}}}
	if m := t.MaxDosePerPeriod; m != nil && m.Count > 0 && m.Period > 0 {
		d["maxDosePerPeriod"] = map[string]any{"numerator": Quantity{Value: float64(m.Count)},
			"denominator": Quantity{Value: m.Period, Unit: m.PeriodUnit, System: SystemUCUM, Code: m.PeriodUnit}}
	}
	return d
}

func bounds(r RegimenInfo) map[string]string {
	b := map[string]string{"start": r.StartsAt.UTC().Format(time.RFC3339)}
	end := r.EndsAt
	if r.StoppedAt != nil && (end == nil || r.StoppedAt.Before(*end)) {
		end = r.StoppedAt
	}
	if end != nil {
		b["end"] = end.UTC().Format(time.RFC3339)
	}
	return b
}
