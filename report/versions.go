package report

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// VersionInfo is one immutable prescription of a regimen (regimen_versions):
// what a dose scheduled under it was.
type VersionInfo struct {
	ID            int64      `json:"id"`
	RegimenID     int64      `json:"regimen_id"`
	Version       int        `json:"version"`
	MedicationID  int64      `json:"medication_id"`
	Medication    string     `json:"medication"`
	Strength      string     `json:"strength"`
	Form          string     `json:"form"`
	RxnormCode    string     `json:"rxnorm_code,omitempty"`
	DoseQuantity  float64    `json:"dose_quantity"`
	DoseUnit      string     `json:"dose_unit"`
	Timing        string     `json:"timing"`
	AsNeeded      bool       `json:"as_needed"`
	StartsAt      time.Time  `json:"starts_at"`
	EndsAt        *time.Time `json:"ends_at,omitempty"`
	EffectiveFrom time.Time  `json:"effective_from"`
}

// loadVersions returns every version of the patient's regimens, in order.
func loadVersions(ctx context.Context, db *gorm.DB, patientID int64) ([]VersionInfo, error) {
	var out []VersionInfo
	err := db.WithContext(ctx).Table("regimen_versions v").
		Select(`v.id, v.regimen_id, v.version, v.medication_id, m.name AS medication, m.strength, m.form, m.rxnorm_code,
			v.dose_quantity, v.dose_unit, v.timing, v.as_needed, v.starts_at, v.ends_at, v.effective_from`).
		Joins("JOIN regimens r ON r.id = v.regimen_id").
		Joins("JOIN medications m ON m.id = v.medication_id").
		Where("r.patient_id = ?", patientID).Order("v.regimen_id, v.version").Scan(&out).Error
	return out, err
}
