package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/store"
)

// prescription is one regimen version as a MedicationRequest.
type prescription struct {
	VersionInfo
	id, prior, status, statusText string
	critical                      bool
	end                           *time.Time
}

// rxIndex finds the prescription of a dose by (regimen, version).
type rxIndex struct {
	list  []prescription
	byKey map[[2]int64]int
	last  map[int64]int // regimen -> its latest version's index
}

func (x rxIndex) of(d Dose) (prescription, bool) {
	i, ok := x.byKey[[2]int64{d.RegimenID, int64(d.Version)}]
	if !ok {
		i, ok = x.last[d.RegimenID]
	}
	if !ok {
		return prescription{}, false
	}
	return x.list[i], true
}

// prescriptions lists every version of every regimen (a regimen without
// version rows is its own single prescription).
func prescriptions(r *PatientReport) rxIndex {
	x := rxIndex{byKey: map[[2]int64]int{}, last: map[int64]int{}}
	for _, rr := range r.Regimens {
		vs := versionsOf(r.Versions, rr.Regimen)
		for i, v := range vs {
			p := prescription{VersionInfo: v, id: fmt.Sprintf("rx-%d-v%d", v.RegimenID, v.Version), critical: rr.Regimen.Critical}
			if i > 0 {
				p.prior = x.list[len(x.list)-1].id
			}
			if i < len(vs)-1 {
				next := vs[i+1].EffectiveFrom
				p.end, p.status, p.statusText = &next, "stopped", "replaced by version "+strconv.Itoa(vs[i+1].Version)
			} else {
				p.end, p.status = regimenEnd(rr.Regimen), regimenStatus(rr.Regimen, r.Window.AsOf)
			}
			x.byKey[[2]int64{v.RegimenID, int64(v.Version)}] = len(x.list)
			x.last[v.RegimenID] = len(x.list)
			x.list = append(x.list, p)
		}
	}
	return x
}

func versionsOf(all []VersionInfo, reg RegimenInfo) []VersionInfo {
	var out []VersionInfo
	for _, v := range all {
		if v.RegimenID == reg.ID {
			out = append(out, v)
		}
	}
	if len(out) == 0 { // written before regimen versions existed
		out = []VersionInfo{{RegimenID: reg.ID, MedicationID: reg.MedicationID, Medication: reg.Medication, Strength: reg.Strength,
			Form: reg.Form, RxnormCode: reg.RxnormCode, DoseQuantity: reg.DoseQuantity, DoseUnit: reg.DoseUnit, Timing: reg.Timing,
			AsNeeded: reg.AsNeeded, StartsAt: reg.StartsAt, EndsAt: reg.EndsAt, EffectiveFrom: reg.StartsAt}}
	}
	return out
}

func regimenEnd(r RegimenInfo) *time.Time {
	end := r.EndsAt
	if r.StoppedAt != nil && (end == nil || r.StoppedAt.Before(*end)) {
		end = r.StoppedAt
	}
	return end
}

func regimenStatus(r RegimenInfo, now time.Time) string {
	switch {
	case r.Active(now):
		return "active"
	case r.StoppedAt == nil:
		return "completed"
	}
	return "stopped"
}

func (bb *bundler) requestRes(pt *store.Patient, p prescription, now time.Time) map[string]any {
	res := map[string]any{
		"resourceType": "MedicationRequest", "id": p.id, "status": p.status, "intent": "order",
		"identifier":          []map[string]string{{"system": "urn:doseloop:regimen-version", "value": fmt.Sprintf("%d/%d", p.RegimenID, p.Version)}},
		"medicationReference": Reference{Reference: bb.ref("Medication", medID(p.MedicationID)), Display: p.Medication + " " + p.Strength},
		"subject":             Reference{Reference: bb.ref("Patient", patientID(pt.ID)), Display: pt.Name},
		"authoredOn":          p.EffectiveFrom.UTC().Format(time.RFC3339),
		"dosageInstruction":   []map[string]any{dosage(p, pt.TimeZone)},
	}
	if p.statusText != "" {
		res["statusReason"] = CodeableConcept{Text: p.statusText}
	}
	if p.prior != "" {
		res["priorPrescription"] = Reference{Reference: bb.ref("MedicationRequest", p.prior)}
	}
	if p.critical {
		res["priority"] = "urgent"
	}
	return res
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

// dosage is the version's Dosage; its Timing carries the patient's IANA
// zone (the R4 timezone extension), since timeOfDay is a wall-clock time.
func dosage(p prescription, zone string) map[string]any {
	var t timingRepeat
	_ = json.Unmarshal([]byte(p.Timing), &t) // an unreadable timing exports as bounds only
	repeat := map[string]any{"boundsPeriod": bounds(p)}
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
	timing := map[string]any{"extension": []Extension{{URL: ExtTimezone, ValueCode: zone}}, "repeat": repeat}
	d := map[string]any{"text": DescribeTiming(p.Timing) + " (" + zone + ")", "timing": timing, "asNeededBoolean": p.AsNeeded,
		"doseAndRate": []map[string]any{{"doseQuantity": Quantity{Value: p.DoseQuantity, Unit: p.DoseUnit}}}}
	if m := t.MaxDosePerPeriod; m != nil && m.Count > 0 && m.Period > 0 {
		d["maxDosePerPeriod"] = map[string]any{"numerator": Quantity{Value: float64(m.Count)},
			"denominator": Quantity{Value: m.Period, Unit: m.PeriodUnit, System: SystemUCUM, Code: m.PeriodUnit}}
	}
	return d
}

func bounds(p prescription) map[string]string {
	b := map[string]string{"start": p.StartsAt.UTC().Format(time.RFC3339)}
	if p.EffectiveFrom.After(p.StartsAt) {
		b["start"] = p.EffectiveFrom.UTC().Format(time.RFC3339)
	}
	end := p.end
	if p.EndsAt != nil && (end == nil || p.EndsAt.Before(*end)) {
		end = p.EndsAt
	}
	if end != nil {
		b["end"] = end.UTC().Format(time.RFC3339)
	}
	return b
}
