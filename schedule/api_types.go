package schedule

import (
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
)

// RegimenInput is the body of POST /v1/patients/:id/regimens; on PATCH every
// field is optional and a given timing replaces the old one whole.
type RegimenInput struct {
	MedicationID    *int64   `json:"medication_id"`
	DoseQuantity    *float64 `json:"dose_quantity"`
	DoseUnit        *string  `json:"dose_unit"`
	Timing          *Timing  `json:"timing"`
	AsNeeded        *bool    `json:"as_needed"`
	OnTimeWindowMin *int     `json:"on_time_window_min"`
	GraceMin        *int     `json:"grace_min"`
	Critical        *bool    `json:"critical"`
	Compartment     *int     `json:"compartment"`
	LateLimitMin    *int     `json:"late_limit_min"`
}

// check validates the fields present; create requires medication and timing.
func (in *RegimenInput) check(create bool) error {
	var v fieldErrs
	if create && in.MedicationID == nil {
		v.add("medication_id", "is required")
	}
	if create && in.Timing == nil {
		v.add("timing", "is required")
	}
	if in.MedicationID != nil && *in.MedicationID <= 0 {
		v.add("medication_id", "must be a medication id")
	}
	if q := in.DoseQuantity; q != nil && (*q <= 0 || *q > 100) {
		v.add("dose_quantity", "must be more than 0 and at most 100")
	}
	if u := in.DoseUnit; u != nil && (*u == "" || len(*u) > 32) {
		v.add("dose_unit", "must be 1 to 32 characters, such as tablet or puff")
	}
	if w := in.OnTimeWindowMin; w != nil && (*w < 1 || *w > 720) {
		v.add("on_time_window_min", "must be from 1 to 720 minutes")
	}
	if g := in.GraceMin; g != nil && (*g < 0 || *g > 1440) {
		v.add("grace_min", "must be from 0 to 1440 minutes")
	}
	if l := in.LateLimitMin; l != nil && (*l < 60 || *l > 10080) {
		v.add("late_limit_min", "must be from 60 minutes to 7 days (10080)")
	}
	if c := in.Compartment; c != nil && (*c < 1 || *c > 64) {
		v.add("compartment", "must be a dispenser compartment from 1 to 64")
	}
	if !create && *in == (RegimenInput{}) {
		v.add("", "name at least one field to change")
	}
	return v.err()
}

// RegimenView is a regimen as the API shows it; timing carries boundsPeriod
// from the starts_at/ends_at columns.
type RegimenView struct {
	ID              int64         `json:"id"`
	PatientID       int64         `json:"patient_id"`
	MedicationID    int64         `json:"medication_id"`
	Medication      string        `json:"medication"`
	DoseQuantity    float64       `json:"dose_quantity"`
	DoseUnit        string        `json:"dose_unit"`
	Timing          Timing        `json:"timing"`
	AsNeeded        bool          `json:"as_needed"`
	OnTimeWindowMin int           `json:"on_time_window_min"`
	GraceMin        int           `json:"grace_min"`
	Critical        bool          `json:"critical"`
	Compartment     *int          `json:"compartment"`
	LateLimitMin    int           `json:"late_limit_min"`
	VersionID       *int64        `json:"version_id"`
	Versions        []VersionView `json:"versions"`
	StoppedAt       *time.Time    `json:"stopped_at"`
	ExpandedUntil   *time.Time    `json:"expanded_until"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
}

func viewOf(r *store.Regimen, medication string) RegimenView {
	t, _ := ParseTiming([]byte(r.Timing))
	start := r.StartsAt
	t.BoundsPeriod = &BoundsPeriod{Start: &start, End: r.EndsAt}
	return RegimenView{ID: r.ID, PatientID: r.PatientID, MedicationID: r.MedicationID, Medication: medication,
		DoseQuantity: r.DoseQuantity, DoseUnit: r.DoseUnit, Timing: t, AsNeeded: r.AsNeeded,
		OnTimeWindowMin: r.OnTimeWindowMin, GraceMin: r.GraceMin, Critical: r.Critical, Compartment: r.Compartment,
		LateLimitMin: lateLimitMin(r.LateLimitMin), VersionID: r.CurrentVersionID, Versions: []VersionView{},
		StoppedAt: r.StoppedAt, ExpandedUntil: r.ExpandedUntil, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// apply copies the given fields onto r and validates the result as a whole
// (timing against as_needed, bounds). Errors: Invalid.
func (in *RegimenInput) apply(r *store.Regimen, now time.Time) error {
	setIf(&r.MedicationID, in.MedicationID)
	setIf(&r.DoseQuantity, in.DoseQuantity)
	setIf(&r.DoseUnit, in.DoseUnit)
	setIf(&r.AsNeeded, in.AsNeeded)
	setIf(&r.OnTimeWindowMin, in.OnTimeWindowMin)
	setIf(&r.GraceMin, in.GraceMin)
	setIf(&r.Critical, in.Critical)
	setIf(&r.LateLimitMin, in.LateLimitMin)
	if in.Compartment != nil {
		r.Compartment = in.Compartment
	}
	t, err := ParseTiming([]byte(r.Timing))
	if in.Timing != nil {
		t, err = *in.Timing, nil
		if b := t.BoundsPeriod; b != nil && b.Start != nil {
			r.StartsAt, r.EndsAt = b.Start.UTC().Truncate(time.Microsecond), nil
			if b.End != nil {
				end := b.End.UTC().Truncate(time.Microsecond)
				r.EndsAt = &end
			}
		}
	}
	if err != nil {
		return err
	}
	if err := ValidateTiming(t, r.AsNeeded); err != nil {
		return err
	}
	if r.EndsAt != nil && !r.EndsAt.After(r.StartsAt) {
		return apperr.Validation(apperr.FieldError{Field: "timing.boundsPeriod.end", Message: "must be after start"})
	}
	r.Timing, r.UpdatedAt = t.Encode(), now
	return nil
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
