package report

import (
	"context"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// Load computes a patient's report for window w. The caller has already
// checked that the principal may see the patient (auth.LoadPatient).
func Load(ctx context.Context, db *gorm.DB, pt *store.Patient, w Window) (*PatientReport, error) {
	p := w.Interval()
	regs, err := loadRegimens(ctx, db, pt.ID)
	if err != nil {
		return nil, err
	}
	doses, err := loadDoses(ctx, db, pt.ID, p)
	if err != nil {
		return nil, err
	}
	abs, err := loadAbsences(ctx, db, pt.ID, p)
	if err != nil {
		return nil, err
	}
	r := &PatientReport{PatientID: pt.ID, Name: pt.Name, TimeZone: pt.TimeZone, Window: w, From: p.From, To: p.To, Doses: doses, period: p}
	zone := PatientZone(pt)
	if r.OfflineMinutes, err = offlineMinutes(ctx, db, pt.ID, p); err != nil {
		return nil, err
	}
	grace := map[int64]int{}
	for _, reg := range regs {
		grace[reg.ID] = reg.GraceMin
	}
	byRegimen := map[int64][]Dose{}
	for i := range doses {
		doses[i].GraceMin = grace[doses[i].RegimenID]
		byRegimen[doses[i].RegimenID] = append(byRegimen[doses[i].RegimenID], doses[i])
	}
	var scheduled []Dose
	overall := ThresholdDefault
	for _, reg := range regs {
		rr := RegimenReport{Regimen: reg}
		if reg.AsNeeded {
			for _, d := range byRegimen[reg.ID] {
				rr.PRNTaken += b2i(d.State == store.DoseTaken)
			}
		} else {
			f := Compute(byRegimen[reg.ID], Input{Period: p, AsOf: w.AsOf, Zone: zone, Absences: abs, Threshold: reg.threshold()})
			rr.Figures = &f
			scheduled = append(scheduled, byRegimen[reg.ID]...)
			// The list uses the same rule in SQL: a regimen counts for the
			// threshold unless it was stopped before the period began.
			if reg.StoppedAt == nil || reg.StoppedAt.After(p.From) {
				overall = max(overall, reg.threshold())
			}
		}
		r.Regimens = append(r.Regimens, rr)
	}
	in := Input{Period: p, AsOf: w.AsOf, Zone: zone, Absences: abs, Threshold: overall}
	r.Overall = Compute(scheduled, in)
	r.Days = Days(scheduled, in)
	return r, nil
}

// PatientZone is the patient's IANA zone (UTC for a value that no longer
// loads: the stored data predates validation).
func PatientZone(pt *store.Patient) *time.Location {
	if z, err := time.LoadLocation(pt.TimeZone); err == nil {
		return z
	}
	return time.UTC
}

// Period returns the report's period.
func (r *PatientReport) Period() Interval { return r.period }
