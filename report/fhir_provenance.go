package report

import (
	"fmt"
	"time"

	"github.com/doseloop/doseloop/store"
)

// corrections adds a Provenance for each correction of dose d (a history
// row by a physician, or one that names the row it corrects) and returns
// references to them for the administration's eventHistory. The original
// outcome stays visible: each Provenance says what it was and what it became.
func (bb *bundler) corrections(pt *store.Patient, d Dose, adminID string, events []Event) []Reference {
	var out []Reference
	for i := range events {
		e := &events[i]
		if e.Source != store.SourcePhysician && e.CorrectsID == nil {
			continue
		}
		id := fmt.Sprintf("correction-%d", e.ID)
		text := fmt.Sprintf("corrected from %s to %s", orNone(e.FromState), e.ToState)
		if e.Reason != "" {
			text += ": " + e.Reason
		}
		bb.add(map[string]any{"resourceType": "Provenance", "id": id,
			"target":   []Reference{{Reference: bb.ref("MedicationAdministration", adminID)}},
			"recorded": e.At.UTC().Format(time.RFC3339Nano),
			"activity": CodeableConcept{Coding: []Coding{{System: SystemDataOperation, Code: "UPDATE", Display: "revise"}}, Text: text},
			"reason":   []CodeableConcept{{Text: text}},
			"agent":    []map[string]any{{"who": bb.performer(pt, e.Source, e)}}})
		out = append(out, Reference{Reference: bb.ref("Provenance", id), Display: text})
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "nothing recorded"
	}
	return s
}
