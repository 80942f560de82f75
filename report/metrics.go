package report

import (
	"time"

	"github.com/doseloop/doseloop/store"
)

// Dose is one dose instance as the metrics see it.
type Dose struct {
	ID           int64
	RegimenID    int64
	ScheduledAt  time.Time
	LocalDate    string // YYYY-MM-DD in the patient's zone
	LocalTime    string
	State        string
	OnTime       *bool
	TakenAt      *time.Time
	DoubleDose   bool
	DuringOutage bool
	Source       string
	SkipReason   string
	GraceMin     int  // the version's grace: how long a due dose stays "pending"
	Corrected    bool // a care-team physician corrected the recorded outcome
	Excluded     bool // inside a recorded absence (AbsenceID)
	AbsenceID    *int64
	// What was prescribed: the regimen version the dose was scheduled under
	// (never the regimen as it is now).
	VersionID    int64
	Version      int
	MedicationID int64
	Medication   string
	Strength     string
	DoseQuantity float64
	DoseUnit     string
	AsNeeded     bool // an as-needed (PRN) regimen: no denominator
}

// Interval is a half-open span of time [From, To).
type Interval struct{ From, To time.Time }

// Contains reports whether t lies in the interval.
func (i Interval) Contains(t time.Time) bool { return !t.Before(i.From) && t.Before(i.To) }

// Input is what Compute needs besides the doses.
type Input struct {
	Period    Interval
	AsOf      time.Time // when the figures are computed; zero = Period.To
	Zone      *time.Location
	Absences  []Interval
	Threshold float64 // 0.8, or 0.9 for antiretrovirals
}

func (in Input) asOf() time.Time {
	if in.AsOf.IsZero() {
		return in.Period.To
	}
	return in.AsOf
}

func (in Input) zone() *time.Location {
	if in.Zone == nil {
		return time.UTC
	}
	return in.Zone
}

// Thresholds of PDC-style coverage (Pharmacy Quality Alliance).
const (
	ThresholdDefault        = 0.8
	ThresholdAntiretroviral = 0.9
	holidayDays             = 3
	holidayNowWindow        = 72 * time.Hour
	permissibleGap          = 14 * 24 * time.Hour
)

// Figures are the adherence metrics of one patient or regimen over a period.
// Ratios are nil when nothing counted (no dose was due).
type Figures struct {
	Scheduled       int        `json:"scheduled"`
	Taken           int        `json:"taken"`
	OnTime          int        `json:"on_time"`
	Late            int        `json:"late"`
	Missed          int        `json:"missed"`
	Skipped         int        `json:"skipped"`
	Extra           int        `json:"extra"`
	NotYetDue       int        `json:"not_yet_due"`
	Pending         int        `json:"pending"`
	Excused         int        `json:"excluded_absence"`
	Corrections     int        `json:"corrections"` // counted doses whose outcome a physician corrected
	Unconfirmed     int        `json:"unconfirmed_offline"`
	TakingAdherence *float64   `json:"taking_adherence"`
	TimingAdherence *float64   `json:"timing_adherence"`
	Days            int        `json:"days"`
	CorrectDays     int        `json:"correct_dosing_days"`
	CorrectDosing   *float64   `json:"correct_dosing_ratio"`
	CoveredDays     int        `json:"covered_days"`
	PDC             *float64   `json:"pdc"`
	Threshold       float64    `json:"pdc_threshold"`
	Adherent        *bool      `json:"adherent"`
	DrugHolidays    int        `json:"drug_holidays"`
	LongestGapDays  int        `json:"longest_gap_days"`
	HolidayNow      bool       `json:"drug_holiday_now"`
	FirstTaken      *time.Time `json:"first_taken_at"`
	LastTaken       *time.Time `json:"last_taken_at"`
	PersistenceDays int        `json:"persistence_days"`
	Discontinued    bool       `json:"discontinued"`
}

// classes of a dose for the metrics; see the package doc.
const (
	classIgnored = iota
	classExcused
	classNotYetDue
	classPending
	classUnconfirmed
	classCounted
)

func classify(d Dose, in Input) int {
	if d.State == store.DoseCancelled || !in.Period.Contains(d.ScheduledAt) {
		return classIgnored
	}
	if d.Excluded {
		return classExcused
	}
	for _, a := range in.Absences {
		if a.Contains(d.ScheduledAt) {
			return classExcused
		}
	}
	asOf := in.asOf()
	switch {
	case d.State == store.DosePending && d.ScheduledAt.After(asOf):
		return classNotYetDue
	case d.State == store.DosePending && asOf.Before(d.ScheduledAt.Add(time.Duration(d.GraceMin)*time.Minute)):
		return classPending
	case d.State == store.DoseMissed && d.DuringOutage:
		return classUnconfirmed
	}
	return classCounted // a pending dose past its grace counts as missed
}

// Compute returns the figures of doses (of one or several scheduled
// regimens) over in.Period.
func Compute(doses []Dose, in Input) Figures {
	f := Figures{Threshold: in.Threshold}
	days := newDayBook()
	var recentDue, recentTaken, gapDue, gapTaken int
	for _, d := range doses {
		switch classify(d, in) {
		case classExcused:
			f.Excused++
			continue
		case classNotYetDue:
			f.NotYetDue++
			continue
		case classPending:
			f.Pending++
			continue
		case classUnconfirmed:
			f.Unconfirmed++
			continue
		case classIgnored:
			continue
		}
		taken := d.State == store.DoseTaken
		f.count(d, taken)
		days.add(d, taken)
		if !d.ScheduledAt.Before(in.asOf().Add(-holidayNowWindow)) {
			recentDue, recentTaken = recentDue+1, recentTaken+b2i(taken)
		}
		if !d.ScheduledAt.Before(in.asOf().Add(-permissibleGap)) {
			gapDue, gapTaken = gapDue+1, gapTaken+b2i(taken)
		}
	}
	f.HolidayNow = recentDue > 0 && recentTaken == 0
	f.Discontinued = gapDue > 0 && gapTaken == 0
	days.fill(&f)
	f.persistence(in.zone())
	f.ratios()
	return f
}

func (f *Figures) count(d Dose, taken bool) {
	f.Scheduled++
	f.Corrections += b2i(d.Corrected)
	if d.DoubleDose {
		f.Extra++
	}
	switch d.State {
	case store.DoseTaken:
		f.Taken++
		if d.OnTime != nil && *d.OnTime {
			f.OnTime++
		} else {
			f.Late++
		}
		if d.TakenAt != nil {
			if f.FirstTaken == nil || d.TakenAt.Before(*f.FirstTaken) {
				f.FirstTaken = d.TakenAt
			}
			if f.LastTaken == nil || d.TakenAt.After(*f.LastTaken) {
				f.LastTaken = d.TakenAt
			}
		}
	case store.DoseMissed, store.DosePending: // pending here = past its grace, not yet swept
		f.Missed++
	case store.DoseSkipped:
		f.Skipped++
	}
}

// persistence counts the local calendar days (in zone) from the day of the
// first take to the day of the last, both included: the days of the actual
// takes, not of the doses' schedule (a 21:00 dose taken at 00:17 was taken
// the next day).
func (f *Figures) persistence(zone *time.Location) {
	if f.FirstTaken == nil {
		return
	}
	first, last := f.FirstTaken.In(zone).Format(time.DateOnly), f.LastTaken.In(zone).Format(time.DateOnly)
	f.PersistenceDays = daysBetween(first, last) + 1
}

func (f *Figures) ratios() {
	f.TakingAdherence = ratio(f.Taken, f.Scheduled)
	f.TimingAdherence = ratio(f.OnTime, f.Scheduled)
	f.CorrectDosing = ratio(f.CorrectDays, f.Days)
	f.PDC = ratio(f.CoveredDays, f.Days)
	if f.PDC != nil {
		ok := *f.PDC >= f.Threshold-1e-9
		f.Adherent = &ok
	}
}

func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
