package report

import (
	"fmt"
	"time"

	"github.com/doseloop/doseloop/store"
)

// administrations adds what happened to dose d: one MedicationAdministration
// (two for a double dose), each naming the version's medication, request and
// quantity, who recorded it, and Provenance for every correction.
func (bb *bundler) administrations(pt *store.Patient, d Dose, rx rxIndex, events []Event, abs []Absence) {
	p, ok := rx.of(d)
	status, reason := adminStatus(d, absenceOf(d, abs))
	if !ok || status == "" {
		return // pending and cancelled doses were never administered or refused
	}
	zone := PatientZone(pt)
	id := fmt.Sprintf("dose-%d", d.ID)
	res := bb.adminBase(pt, d, p, id)
	res["status"] = status
	res["effectiveDateTime"] = local(effective(d), zone)
	if reason != nil {
		res["statusReason"] = []CodeableConcept{*reason}
	}
	var notes []Annotation
	if taken := lastEvent(events, store.DoseTaken); d.State == store.DoseTaken {
		res["performer"] = []map[string]any{{"actor": bb.performer(pt, d.Source, taken)}}
	}
	if hist := bb.corrections(pt, d, id, events); len(hist) > 0 {
		res["eventHistory"] = hist
		notes = append(notes, Annotation{Text: fmt.Sprintf("outcome corrected %d time(s) by the care team; see eventHistory", len(hist))})
	}
	if d.DoubleDose {
		notes = append(notes, Annotation{Text: "taken twice: this is the first of two administrations of this scheduled dose"})
		bb.secondDose(pt, d, p, events, zone)
	}
	if len(notes) > 0 {
		res["note"] = notes
	}
	bb.add(res)
}

func (bb *bundler) adminBase(pt *store.Patient, d Dose, p prescription, id string) map[string]any {
	qty, unit := d.DoseQuantity, d.DoseUnit
	if qty == 0 { // a dose read without its version: the prescription's
		qty, unit = p.DoseQuantity, p.DoseUnit
	}
	return map[string]any{"resourceType": "MedicationAdministration", "id": id,
		"identifier":          []map[string]string{{"system": "urn:doseloop:dose", "value": fmt.Sprint(d.ID)}},
		"medicationReference": Reference{Reference: bb.ref("Medication", medID(p.MedicationID)), Display: p.Medication + " " + p.Strength},
		"subject":             Reference{Reference: bb.ref("Patient", patientID(pt.ID))},
		"request":             Reference{Reference: bb.ref("MedicationRequest", p.id)},
		"dosage":              map[string]any{"dose": Quantity{Value: qty, Unit: unit}}}
}

// secondDose is the second administration of a dose taken twice.
func (bb *bundler) secondDose(pt *store.Patient, d Dose, p prescription, events []Event, zone *time.Location) {
	res := bb.adminBase(pt, d, p, fmt.Sprintf("dose-%d-2", d.ID))
	res["status"] = "completed"
	at, source := effective(d), d.Source
	if e := lastEvent(events, store.HistDoubleDose); e != nil {
		at, source = e.At, e.Source
		res["performer"] = []map[string]any{{"actor": bb.performer(pt, source, e)}}
	}
	res["effectiveDateTime"] = local(at, zone)
	res["note"] = []Annotation{{Text: "second administration of the same scheduled dose (double dose), recorded at this time"}}
	bb.add(res)
}

// adminStatus maps a dose to MedicationAdministration.status and its reason.
func adminStatus(d Dose, a *Absence) (string, *CodeableConcept) {
	why := func(code, text string) *CodeableConcept {
		return &CodeableConcept{Coding: []Coding{{System: SystemDoseOutcome, Code: code, Display: code}}, Text: text}
	}
	switch {
	case d.State == store.DoseTaken:
		if a != nil {
			return "completed", why("excluded", "left out of adherence figures: "+a.Text())
		}
		return "completed", nil
	case a != nil && d.State != store.DoseCancelled:
		return "unknown", why("excluded", "left out of adherence figures: "+a.Text())
	case d.State == store.DoseSkipped:
		text := "dose skipped by the patient"
		if d.SkipReason != "" {
			text += ": " + d.SkipReason
		}
		return "not-done", why(d.State, text)
	case d.State == store.DoseMissed && d.DuringOutage:
		return "unknown", why("unconfirmed", "not confirmed: the dispenser was offline, so nobody knows whether it was taken")
	case d.State == store.DoseMissed:
		return "not-done", why(d.State, "dose missed")
	}
	return "", nil
}

// effective is when a dose happened: taken_at, or its due instant.
func effective(d Dose) time.Time {
	if d.TakenAt != nil {
		return *d.TakenAt
	}
	return d.ScheduledAt
}

// local writes t with the patient's UTC offset at t, so a reader sees the
// wall-clock time the patient lived.
func local(t time.Time, zone *time.Location) string { return t.In(zone).Format(time.RFC3339) }

func lastEvent(events []Event, toState string) *Event {
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].ToState == toState {
			return &events[i]
		}
	}
	return nil
}
