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
	doses, err := LoadDoses(ctx, db, pt.ID, p)
	if err != nil {
		return nil, err
	}
	r := &PatientReport{PatientID: pt.ID, Name: pt.Name, TimeZone: pt.TimeZone, Window: w, From: p.From, To: p.To, Doses: doses, period: p}
	if err := r.loadRecords(ctx, db, pt.ID); err != nil {
		return nil, err
	}
	abs := make([]Interval, len(r.Absences))
	for i, a := range r.Absences {
		abs[i] = Interval{a.StartsAt, a.EndsAt}
	}
	zone := PatientZone(pt)
	if r.OfflineMinutes, err = offlineMinutes(ctx, db, pt.ID, p); err != nil {
		return nil, err
	}
	byRegimen := map[int64][]Dose{}
	for _, d := range doses {
		byRegimen[d.RegimenID] = append(byRegimen[d.RegimenID], d)
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

// loadRecords loads the versions, absences and outcome history the exports
// show beside the doses, and counts the doses each absence excludes.
func (r *PatientReport) loadRecords(ctx context.Context, db *gorm.DB, patientID int64) error {
	var err error
	if r.Versions, err = loadVersions(ctx, db, patientID); err != nil {
		return err
	}
	if r.Absences, err = loadAbsences(ctx, db, patientID, r.period); err != nil {
		return err
	}
	for _, d := range r.Doses {
		if a := absenceOf(d, r.Absences); a != nil && d.State != store.DoseCancelled {
			a.Excluded++
		}
	}
	r.Events, err = loadEvents(ctx, db, patientID, r.period)
	return err
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
