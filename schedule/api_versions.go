package schedule

import (
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// VersionView is one immutable version of a regimen as the API shows it:
// what every dose scheduled under it was prescribed as.
type VersionView struct {
	ID              int64     `json:"id"`
	Version         int       `json:"version"`
	MedicationID    int64     `json:"medication_id"`
	DoseQuantity    float64   `json:"dose_quantity"`
	DoseUnit        string    `json:"dose_unit"`
	Timing          Timing    `json:"timing"`
	OnTimeWindowMin int       `json:"on_time_window_min"`
	GraceMin        int       `json:"grace_min"`
	LateLimitMin    int       `json:"late_limit_min"`
	Critical        bool      `json:"critical"`
	EffectiveFrom   time.Time `json:"effective_from"`
	CreatedBy       *int64    `json:"created_by"`
}

func versionView(v *store.RegimenVersion) VersionView {
	t, _ := ParseTiming([]byte(v.Timing))
	start := v.StartsAt
	t.BoundsPeriod = &BoundsPeriod{Start: &start, End: v.EndsAt}
	return VersionView{ID: v.ID, Version: v.Version, MedicationID: v.MedicationID, DoseQuantity: v.DoseQuantity,
		DoseUnit: v.DoseUnit, Timing: t, OnTimeWindowMin: v.OnTimeWindowMin, GraceMin: v.GraceMin,
		LateLimitMin: v.LateLimitMin, Critical: v.Critical, EffectiveFrom: v.EffectiveFrom, CreatedBy: v.CreatedBy}
}

// attachVersions fills Versions (oldest first) of each view in one query.
func attachVersions(tx *gorm.DB, views []RegimenView) error {
	idx := make(map[int64]int, len(views))
	ids := make([]int64, len(views))
	for i, v := range views {
		idx[v.ID], ids[i] = i, v.ID
	}
	var vs []store.RegimenVersion
	if err := tx.Where("regimen_id IN ?", ids).Order("regimen_id, version").Find(&vs).Error; err != nil {
		return err
	}
	for i := range vs {
		v := &views[idx[vs[i].RegimenID]]
		v.Versions = append(v.Versions, versionView(&vs[i]))
	}
	return nil
}

// withVersions fills one view's Versions.
func withVersions(tx *gorm.DB, view *RegimenView) error {
	vs := []RegimenView{*view}
	err := attachVersions(tx, vs)
	*view = vs[0]
	return err
}

// refuseMedicationChange: a regimen keeps its medication for life, so no
// dose ever changes what drug it was. Changing the drug is a stop plus a
// new regimen. Errors: Conflict reason medication_change.
func refuseMedicationChange(in *RegimenInput, reg *store.Regimen) error {
	if in.MedicationID == nil || *in.MedicationID == reg.MedicationID {
		return nil
	}
	return apperr.E(apperr.Conflict, "a regimen's medication cannot change: stop this regimen and prescribe the new medication as a new one").
		WithReason("medication_change")
}
