package report

import (
	"fmt"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/store"
)

func patientID(id int64) string { return fmt.Sprintf("pt-%d", id) }
func medID(id int64) string     { return fmt.Sprintf("med-%d", id) }

func patientRes(pt *store.Patient) map[string]any {
	r := map[string]any{"resourceType": "Patient", "id": patientID(pt.ID),
		"identifier": []map[string]string{{"system": SystemPatientID, "value": strconv.FormatInt(pt.ID, 10)}},
		"name":       []map[string]string{{"text": pt.Name}}, "active": true}
	if _, err := time.Parse(time.DateOnly, pt.BirthDate); err == nil {
		r["birthDate"] = pt.BirthDate
	}
	return r
}

func medicationRes(v VersionInfo) map[string]any {
	code := CodeableConcept{Text: v.Medication + " " + v.Strength}
	if v.RxnormCode != "" {
		code.Coding = []Coding{{System: SystemRxNorm, Code: v.RxnormCode, Display: v.Medication}}
	}
	m := map[string]any{"resourceType": "Medication", "id": medID(v.MedicationID), "code": code}
	if v.Form != "" {
		m["form"] = CodeableConcept{Text: v.Form}
	}
	return m
}

// performer adds the resource of whoever recorded e (a caregiver as a
// RelatedPerson, a dispenser as a Device, a physician as a Practitioner)
// and returns the reference to it; the patient is the Patient itself.
func (bb *bundler) performer(pt *store.Patient, source string, e *Event) Reference {
	switch {
	case source == store.SourcePatient:
		return Reference{Reference: bb.ref("Patient", patientID(pt.ID)), Display: pt.Name + " (patient)"}
	case source == store.SourceDispenser && e != nil && e.DispenserID != nil:
		return bb.device(pt, e)
	case source == store.SourceCaregiver && e != nil && e.ActorUserID != nil:
		id := fmt.Sprintf("caregiver-%d", *e.ActorUserID)
		bb.add(map[string]any{"resourceType": "RelatedPerson", "id": id,
			"patient": Reference{Reference: bb.ref("Patient", patientID(pt.ID))}, "name": []map[string]string{{"text": e.ActorName}},
			"relationship": []CodeableConcept{{Text: "caregiver"}}})
		return Reference{Reference: bb.ref("RelatedPerson", id), Display: e.ActorName + " (caregiver)"}
	case source == store.SourcePhysician && e != nil && e.ActorUserID != nil:
		return bb.practitioner(e)
	}
	return Reference{Display: source} // recorded before the history kept who
}

func (bb *bundler) device(pt *store.Patient, e *Event) Reference {
	id := fmt.Sprintf("dispenser-%d", *e.DispenserID)
	res := map[string]any{"resourceType": "Device", "id": id, "type": CodeableConcept{Text: "medication dispenser"},
		"patient": Reference{Reference: bb.ref("Patient", patientID(pt.ID))}}
	if e.Serial != "" {
		res["identifier"] = []map[string]string{{"system": SystemDispenser, "value": e.Serial}}
		res["serialNumber"] = e.Serial
	}
	if e.Model != "" {
		res["deviceName"] = []map[string]string{{"name": e.Model, "type": "model-name"}}
	}
	bb.add(res)
	return Reference{Reference: bb.ref("Device", id), Display: "dispenser " + e.Serial}
}

func (bb *bundler) practitioner(e *Event) Reference {
	id := fmt.Sprintf("practitioner-%d", *e.ActorUserID)
	bb.add(map[string]any{"resourceType": "Practitioner", "id": id, "name": []map[string]string{{"text": e.ActorName}}})
	return Reference{Reference: bb.ref("Practitioner", id), Display: e.ActorName}
}
