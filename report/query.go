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
	Doses          []Dose          `json:"-"`
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

// loadDoses is the page's one indexed query over dose_instances (patient_id, scheduled_at).
func loadDoses(ctx context.Context, db *gorm.DB, patientID int64, p Interval) ([]Dose, error) {
	var out []Dose
	err := db.WithContext(ctx).Model(&store.DoseInstance{}).
		Select("id, regimen_id, scheduled_at, local_date, local_time, state, on_time, taken_at, double_dose, during_outage, source, skip_reason").
		Where("patient_id = ? AND scheduled_at >= ? AND scheduled_at < ?", patientID, p.From, p.To).
		Order("scheduled_at, id").Scan(&out).Error
	return out, err
}

func loadAbsences(ctx context.Context, db *gorm.DB, patientID int64, p Interval) ([]Interval, error) {
	var rows []store.PatientAbsence
	err := db.WithContext(ctx).Where("patient_id = ? AND starts_at < ? AND ends_at > ?", patientID, p.To, p.From).Find(&rows).Error
	out := make([]Interval, len(rows))
	for i, a := range rows {
		out[i] = Interval{a.StartsAt, a.EndsAt}
	}
	return out, err
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
