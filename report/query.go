package report

import (
	"context"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// RegimenInfo describes a regimen with its medication.
type RegimenInfo struct {
	ID              int64      `json:"id"`
	MedicationID    int64      `json:"medication_id"`
	Medication      string     `json:"medication"`
	Strength        string     `json:"strength"`
	Form            string     `json:"form"`
	RxnormCode      string     `json:"rxnorm_code,omitempty"`
	Antiretroviral  bool       `json:"antiretroviral"`
	AsNeeded        bool       `json:"as_needed"`
	Critical        bool       `json:"critical"`
	DoseQuantity    float64    `json:"dose_quantity"`
	DoseUnit        string     `json:"dose_unit"`
	Timing          string     `json:"timing"`
	OnTimeWindowMin int        `json:"on_time_window_min"`
	GraceMin        int        `json:"grace_min"`
	StartsAt        time.Time  `json:"starts_at"`
	EndsAt          *time.Time `json:"ends_at,omitempty"`
	StoppedAt       *time.Time `json:"stopped_at,omitempty"`
}

// Active reports whether the regimen is in force at now.
func (r RegimenInfo) Active(now time.Time) bool {
	return (r.StoppedAt == nil || r.StoppedAt.After(now)) && (r.EndsAt == nil || r.EndsAt.After(now))
}

// threshold is the PDC threshold of the regimen.
func (r RegimenInfo) threshold() float64 {
	if r.Antiretroviral {
		return ThresholdAntiretroviral
	}
	return ThresholdDefault
}

// RegimenReport is one regimen's figures.
type RegimenReport struct {
	Regimen  RegimenInfo `json:"regimen"`
	Figures  *Figures    `json:"figures,omitempty"` // nil for as-needed regimens
	PRNTaken int         `json:"prn_taken,omitempty"`
}

// PatientReport is everything a patient's page and API show for a period.
type PatientReport struct {
	PatientID      int64           `json:"patient_id"`
	Name           string          `json:"name"`
	TimeZone       string          `json:"time_zone"`
	Window         Window          `json:"window"`
	From           time.Time       `json:"-"` // Window.FromUTC
	To             time.Time       `json:"-"` // Window.ToUTC
	Overall        Figures         `json:"overall"`
	Regimens       []RegimenReport `json:"regimens"`
	Days           []Day           `json:"days"`
	OfflineMinutes int             `json:"dispenser_offline_minutes"`
	Versions       []VersionInfo   `json:"versions"` // every prescription the doses point at
	Absences       []Absence       `json:"absences"` // recorded absences overlapping the window
	Doses          []Dose          `json:"-"`
	Events         []Event         `json:"-"` // the doses' outcome history
	period         Interval
}

// loadRegimens returns the patient's regimens with their medications.
func loadRegimens(ctx context.Context, db *gorm.DB, patientID int64) ([]RegimenInfo, error) {
	var out []RegimenInfo
	err := db.WithContext(ctx).Table("regimens r").
		Select(`r.id, r.medication_id, m.name AS medication, m.strength, m.form, m.rxnorm_code, m.antiretroviral,
			r.as_needed, r.critical, r.dose_quantity, r.dose_unit, r.timing, r.on_time_window_min, r.grace_min, r.starts_at, r.ends_at, r.stopped_at`).
		Joins("JOIN medications m ON m.id = r.medication_id").
		Where("r.patient_id = ?", patientID).Order("r.id").Scan(&out).Error
	return out, err
}

// doseColumns read a dose with what was prescribed for it: the regimen
// version it points at (for a dose written without one, the regimen's
// current version; failing that, the regimen itself).
const doseColumns = `d.id, d.regimen_id, d.scheduled_at, d.local_date, d.local_time, d.state, d.on_time, d.taken_at,
	d.double_dose, d.during_outage, d.source, d.skip_reason, d.corrected, d.excluded, d.absence_id,
	COALESCE(v.id, 0) AS version_id, COALESCE(v.version, 0) AS version, COALESCE(v.grace_min, r.grace_min) AS grace_min,
	m.id AS medication_id, m.name AS medication, m.strength,
	COALESCE(v.dose_quantity, r.dose_quantity) AS dose_quantity, COALESCE(v.dose_unit, r.dose_unit) AS dose_unit,
	r.as_needed`

// LoadDoses is the patient's doses scheduled in p, oldest first, each with
// what was prescribed for it: one indexed query over dose_instances
// (patient_id, scheduled_at). The mobile summary uses it too.
func LoadDoses(ctx context.Context, db *gorm.DB, patientID int64, p Interval) ([]Dose, error) {
	var out []Dose
	err := db.WithContext(ctx).Table("dose_instances d").Select(doseColumns).
		Joins("JOIN regimens r ON r.id = d.regimen_id").
		Joins("LEFT JOIN regimen_versions v ON v.id = COALESCE(d.version_id, r.current_version_id)").
		Joins("JOIN medications m ON m.id = COALESCE(v.medication_id, r.medication_id)").
		Where("d.patient_id = ? AND d.scheduled_at >= ? AND d.scheduled_at < ?", patientID, p.From, p.To).
		Order("d.scheduled_at, d.id").Scan(&out).Error
	return out, err
}

// Absence is a recorded absence and how many of the window's doses it
// excludes from the figures.
type Absence struct {
	ID       int64     `json:"id"`
	Kind     string    `json:"kind"` // away, hospitalised
	Reason   string    `json:"reason"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Excluded int       `json:"excluded_doses"`
}

// Text is the absence as a person reads it: "hospitalised: knee surgery".
func (a Absence) Text() string {
	if a.Reason == "" || a.Reason == a.Kind {
		return a.Kind
	}
	return a.Kind + ": " + a.Reason
}

func loadAbsences(ctx context.Context, db *gorm.DB, patientID int64, p Interval) ([]Absence, error) {
	var out []Absence
	err := db.WithContext(ctx).Table("patient_absences").Select("id, kind, reason, starts_at, ends_at").
		Where("patient_id = ? AND starts_at < ? AND ends_at > ?", patientID, p.To, p.From).Order("starts_at, id").Scan(&out).Error
	return out, err
}

// absenceOf is the absence that excludes d, if any.
func absenceOf(d Dose, abs []Absence) *Absence {
	for i, a := range abs {
		if (d.AbsenceID != nil && *d.AbsenceID == a.ID) || (d.AbsenceID == nil && Interval{a.StartsAt, a.EndsAt}.Contains(d.ScheduledAt)) {
			return &abs[i]
		}
	}
	return nil
}

// offlineMinutes sums dispenser outages overlapping p (an open outage lasts until p.To).
func offlineMinutes(ctx context.Context, db *gorm.DB, patientID int64, p Interval) (int, error) {
	var rows []store.DispenserOutage
	err := db.WithContext(ctx).Where("patient_id = ? AND started_at < ? AND (ended_at IS NULL OR ended_at > ?)", patientID, p.To, p.From).
		Find(&rows).Error
	var total time.Duration
	for _, o := range rows {
		from, to := max64(o.StartedAt, p.From), p.To
		if o.EndedAt != nil && o.EndedAt.Before(to) {
			to = *o.EndedAt
		}
		if to.After(from) {
			total += to.Sub(from)
		}
	}
	return int(total / time.Minute), err
}

func max64(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
