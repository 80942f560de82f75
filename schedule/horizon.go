package schedule

import (
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// DefaultHorizon is how far ahead dose instances exist.
const DefaultHorizon = 48 * time.Hour

// backfillLimit bounds how far back an extension fills in doses after the
// scheduler was down: older gaps stay gaps instead of a burst of stale alerts.
const backfillLimit = 24 * time.Hour

// ExpandRegimen writes reg's doses in [from, to) and moves expanded_until to
// to. Idempotent: running it twice writes nothing new.
func ExpandRegimen(tx *gorm.DB, reg *store.Regimen, pt *store.Patient, from, to, now time.Time) error {
	vid, err := SyncVersion(tx, reg, now, nil)
	if err != nil || reg.AsNeeded {
		return err
	}
	s, err := SpanOf(reg, pt)
	if err != nil {
		return err
	}
	var rows []doseRow
	for _, o := range Expand(s, from, to) {
		rows = append(rows, doseRow{PatientID: reg.PatientID, RegimenID: reg.ID, VersionID: vid, Occurrence: o})
	}
	if err := insertDoses(tx, rows, now); err != nil {
		return err
	}
	reg.ExpandedUntil = &to
	return tx.Exec("UPDATE regimens SET expanded_until = ? WHERE id = ?", to, reg.ID).Error
}

// ReexpandPatient re-expands every active regimen of pt (after a time zone
// or travel policy change). Errors: Invalid for an unknown zone.
func ReexpandPatient(tx *gorm.DB, pt *store.Patient, now time.Time, horizon time.Duration) error {
	var regs []store.Regimen
	if err := tx.Where("patient_id = ? AND stopped_at IS NULL AND as_needed = ?", pt.ID, false).Order("id").Find(&regs).Error; err != nil {
		return err
	}
	for i := range regs {
		if err := Reexpand(tx, &regs[i], pt, now, now.Add(horizon)); err != nil {
			return err
		}
	}
	return nil
}

// ChangeZone records that pt is now in zone (and, if policy is non-empty,
// switches the travel policy: "home" or "local"), then re-expands pt's future
// pending doses: under "home" the instants stay and only their local labels
// change; under "local" they follow the new wall clock. Call it in the
// transaction of the request that reports the change. Errors: Invalid.
func ChangeZone(tx *gorm.DB, pt *store.Patient, zone, policy string, now time.Time, horizon time.Duration) error {
	if _, err := LoadZone(zone); err != nil {
		return err
	}
	if policy != "" && policy != "home" && policy != "local" {
		return apperr.Validation(apperr.FieldError{Field: "travel_policy", Message: "must be home or local"})
	}
	pt.TimeZone, pt.UpdatedAt = zone, now
	if policy != "" {
		pt.TravelPolicy = policy
	}
	if err := tx.Model(&store.Patient{}).Where("id = ?", pt.ID).Updates(map[string]any{
		"time_zone": pt.TimeZone, "travel_policy": pt.TravelPolicy, "updated_at": now}).Error; err != nil {
		return err
	}
	return ReexpandPatient(tx, pt, now, horizon)
}
