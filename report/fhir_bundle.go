package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/doseloop/doseloop/store"
)

// FHIRBundle builds a FHIR R4 collection Bundle of the patient's report:
// Patient, each Medication and MedicationRequest, and one
// MedicationAdministration per taken (completed) or missed/skipped
// (not-done, with a statusReason) dose. base is the absolute URL the
// resources' fullUrls start with, e.g. "https://doseloop.example/fhir".
func FHIRBundle(pt *store.Patient, r *PatientReport, base string, now time.Time) Bundle {
	base = strings.TrimRight(base, "/") + "/"
	b := Bundle{ResourceType: "Bundle", ID: fmt.Sprintf("pt-%d-%d", pt.ID, now.Unix()), Type: "collection",
		Timestamp: now.UTC().Format(time.RFC3339)}
	add := func(res map[string]any) {
		b.Entry = append(b.Entry, BundleEntry{FullURL: base + res["resourceType"].(string) + "/" + res["id"].(string), Resource: res})
	}
	add(patientRes(pt))
	seenMed := map[int64]bool{}
	regs := map[int64]RegimenInfo{}
	for _, rr := range r.Regimens {
		if !seenMed[rr.Regimen.MedicationID] {
			seenMed[rr.Regimen.MedicationID] = true
			add(medicationRes(rr.Regimen))
		}
		regs[rr.Regimen.ID] = rr.Regimen
		add(requestRes(pt, rr.Regimen, now))
	}
	for _, d := range r.Doses {
		if res := administrationRes(pt, regs[d.RegimenID], d); res != nil {
			add(res)
		}
	}
	return b
}

func administrationRes(pt *store.Patient, reg RegimenInfo, d Dose) map[string]any {
	if reg.ID == 0 {
		return nil
	}
	res := map[string]any{"resourceType": "MedicationAdministration", "id": fmt.Sprintf("dose-%d", d.ID),
		"medicationReference": Reference{Reference: fmt.Sprintf("Medication/med-%d", reg.MedicationID), Display: reg.Medication},
		"subject":             Reference{Reference: patientRef(pt.ID)},
		"request":             Reference{Reference: fmt.Sprintf("MedicationRequest/rx-%d", reg.ID)},
		"dosage":              map[string]any{"dose": Quantity{Value: reg.DoseQuantity, Unit: reg.DoseUnit}}}
	switch d.State {
	case store.DoseTaken:
		res["status"] = "completed"
		at := d.ScheduledAt
		if d.TakenAt != nil {
			at = *d.TakenAt
		}
		res["effectiveDateTime"] = at.UTC().Format(time.RFC3339)
	case store.DoseMissed, store.DoseSkipped:
		res["status"] = "not-done"
		res["effectiveDateTime"] = d.ScheduledAt.UTC().Format(time.RFC3339)
		text := "dose missed"
		if d.State == store.DoseSkipped {
			text = "dose skipped by the patient"
			if d.SkipReason != "" {
				text += ": " + d.SkipReason
			}
		} else if d.DuringOutage {
			text = "dose not confirmed: the dispenser was offline"
		}
		res["statusReason"] = []CodeableConcept{{Coding: []Coding{{System: SystemDoseOutcome, Code: d.State, Display: d.State}}, Text: text}}
	default:
		return nil // pending and cancelled doses were never administered or refused
	}
	return res
}
