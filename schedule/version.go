package schedule

import (
	"errors"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// versionOf is what a dose scheduled under reg is: the fields a version freezes.
func versionOf(reg *store.Regimen) store.RegimenVersion {
	return store.RegimenVersion{RegimenID: reg.ID, MedicationID: reg.MedicationID, DoseQuantity: reg.DoseQuantity,
		DoseUnit: reg.DoseUnit, Timing: reg.Timing, AsNeeded: reg.AsNeeded, OnTimeWindowMin: reg.OnTimeWindowMin,
		GraceMin: reg.GraceMin, LateLimitMin: lateLimitMin(reg.LateLimitMin), Critical: reg.Critical,
		StartsAt: reg.StartsAt, EndsAt: reg.EndsAt}
}

// sameDose reports whether two versions prescribe the same dose (ignoring ids and dates of writing).
func sameDose(a, b store.RegimenVersion) bool {
	endsEqual := (a.EndsAt == nil) == (b.EndsAt == nil) && (a.EndsAt == nil || a.EndsAt.Equal(*b.EndsAt))
	return a.MedicationID == b.MedicationID && a.DoseQuantity == b.DoseQuantity && a.DoseUnit == b.DoseUnit &&
		a.Timing == b.Timing && a.AsNeeded == b.AsNeeded && a.OnTimeWindowMin == b.OnTimeWindowMin &&
		a.GraceMin == b.GraceMin && a.LateLimitMin == b.LateLimitMin && a.Critical == b.Critical &&
		a.StartsAt.Equal(b.StartsAt) && endsEqual
}

// SyncVersion makes reg's current version describe reg: when reg has no
// version yet, or its dose-defining fields differ from the current
// version's, a new immutable version is written (effective from now) and
// reg points at it. Doses keep the version they were scheduled under.
// Expansion calls it (by nil), so every writer of regimens gets versions;
// by names the user who made the change when the caller knows it.
func SyncVersion(tx *gorm.DB, reg *store.Regimen, now time.Time, by *int64) (int64, error) {
	want := versionOf(reg)
	var cur store.RegimenVersion
	if reg.CurrentVersionID != nil {
		err := tx.Take(&cur, *reg.CurrentVersionID).Error
		if err == nil && sameDose(cur, want) {
			return cur.ID, nil
		}
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return 0, err
		}
	}
	var n int
	if err := tx.Model(&store.RegimenVersion{}).Where("regimen_id = ?", reg.ID).
		Select("COALESCE(MAX(version), 0) + 1").Scan(&n).Error; err != nil {
		return 0, err
	}
	want = newVersion(reg, n, now, by)
	if err := tx.Create(&want).Error; err != nil {
		return 0, err
	}
	reg.CurrentVersionID = &want.ID
	return want.ID, tx.Exec("UPDATE regimens SET current_version_id = ? WHERE id = ?", want.ID, reg.ID).Error
}

// DefaultLateLimit is how long after its due time a patient or caregiver may
// still record a dose, unless the regimen says otherwise.
const DefaultLateLimit = 24 * time.Hour

func lateLimitMin(m int) int {
	if m <= 0 {
		return int(DefaultLateLimit / time.Minute)
	}
	return m
}

// Versions lists a regimen's versions, oldest first.
func Versions(tx *gorm.DB, regimenID int64) ([]store.RegimenVersion, error) {
	var vs []store.RegimenVersion
	return vs, tx.Where("regimen_id = ?", regimenID).Order("version").Find(&vs).Error
}
