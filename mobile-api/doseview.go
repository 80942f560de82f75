package mobileapi

import (
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// MedicationView names a medication as the apps show it.
type MedicationView struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Strength string `json:"strength"`
	Form     string `json:"form"`
}

// DoseView is one dose as the apps show it: what, how much, when (UTC and
// local), its state, and whether the dispenser reported it.
type DoseView struct {
	ID                int64          `json:"id"`
	PatientID         int64          `json:"patient_id"`
	RegimenID         int64          `json:"regimen_id"`
	Medication        MedicationView `json:"medication"`
	DoseQuantity      float64        `json:"dose_quantity"`
	DoseUnit          string         `json:"dose_unit"`
	AsNeeded          bool           `json:"as_needed"`
	ScheduledAt       time.Time      `json:"scheduled_at"`
	LocalDate         string         `json:"local_date"`
	LocalTime         string         `json:"local_time"`
	State             string         `json:"state"`
	TakenAt           *time.Time     `json:"taken_at"`
	OnTime            *bool          `json:"on_time"`
	Source            string         `json:"source"`
	SkipReason        string         `json:"skip_reason"`
	DispenserReported bool           `json:"dispenser_reported"`
	SnoozedUntil      *time.Time     `json:"snoozed_until"`
	SnoozeCount       int            `json:"snooze_count"`
}

// regimenInfo is a regimen with its medication, loaded once per page.
type regimenInfo struct {
	store.Regimen
	Med store.Medication
}

// loadRegimens loads the regimens (with medications) the doses refer to.
func loadRegimens(db *gorm.DB, ids []int64) (map[int64]regimenInfo, error) {
	out := map[int64]regimenInfo{}
	if len(ids) == 0 {
		return out, nil
	}
	var regs []store.Regimen
	if err := db.Where("id IN ?", ids).Find(&regs).Error; err != nil {
		return nil, err
	}
	medIDs := make([]int64, 0, len(regs))
	for _, r := range regs {
		medIDs = append(medIDs, r.MedicationID)
	}
	byID, err := loadMeds(db, medIDs)
	if err != nil {
		return nil, err
	}
	for _, r := range regs {
		out[r.ID] = regimenInfo{Regimen: r, Med: byID[r.MedicationID]}
	}
	return out, nil
}

// loadMeds loads medications by id.
func loadMeds(db *gorm.DB, ids []int64) (map[int64]store.Medication, error) {
	var meds []store.Medication
	if err := db.Where("id IN ?", ids).Find(&meds).Error; err != nil {
		return nil, err
	}
	byID := map[int64]store.Medication{}
	for _, m := range meds {
		byID[m.ID] = m
	}
	return byID, nil
}

// doseViews turns dose rows into views (four queries for the whole page).
func doseViews(db *gorm.DB, doses []store.DoseInstance) ([]DoseView, error) {
	ids := make([]int64, 0, len(doses))
	for _, d := range doses {
		ids = append(ids, d.RegimenID)
	}
	regs, err := loadRegimens(db, ids)
	if err != nil {
		return nil, err
	}
	vers, err := loadVersions(db, doses)
	if err != nil {
		return nil, err
	}
	out := make([]DoseView, 0, len(doses))
	for _, d := range doses {
		r := regs[d.RegimenID]
		if d.VersionID != nil {
			if v, ok := vers[*d.VersionID]; ok {
				r = v // what was prescribed when the dose was scheduled
			}
		}
		out = append(out, doseView(d, r))
	}
	return out, nil
}

// loadVersions loads the regimen versions the doses were scheduled under,
// as regimenInfo (medication, quantity, unit), so a past dose keeps showing
// what was prescribed then after the regimen changes.
func loadVersions(db *gorm.DB, doses []store.DoseInstance) (map[int64]regimenInfo, error) {
	var ids []int64
	for _, d := range doses {
		if d.VersionID != nil {
			ids = append(ids, *d.VersionID)
		}
	}
	out := map[int64]regimenInfo{}
	if len(ids) == 0 {
		return out, nil
	}
	var vs []store.RegimenVersion
	if err := db.Where("id IN ?", ids).Find(&vs).Error; err != nil {
		return nil, err
	}
	medIDs := make([]int64, 0, len(vs))
	for _, v := range vs {
		medIDs = append(medIDs, v.MedicationID)
	}
	byID, err := loadMeds(db, medIDs)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		out[v.ID] = regimenInfo{Regimen: store.Regimen{ID: v.RegimenID, MedicationID: v.MedicationID, DoseQuantity: v.DoseQuantity,
			DoseUnit: v.DoseUnit, AsNeeded: v.AsNeeded}, Med: byID[v.MedicationID]}
	}
	return out, nil
}

func doseView(d store.DoseInstance, r regimenInfo) DoseView {
	return DoseView{ID: d.ID, PatientID: d.PatientID, RegimenID: d.RegimenID,
		Medication:   MedicationView{ID: r.Med.ID, Name: r.Med.Name, Strength: r.Med.Strength, Form: r.Med.Form},
		DoseQuantity: r.DoseQuantity, DoseUnit: r.DoseUnit, AsNeeded: r.AsNeeded,
		ScheduledAt: d.ScheduledAt.UTC(), LocalDate: d.LocalDate, LocalTime: d.LocalTime, State: d.State,
		TakenAt: utcPtr(d.TakenAt), OnTime: d.OnTime, Source: d.Source, SkipReason: d.SkipReason,
		DispenserReported: d.DispenserReported, SnoozedUntil: utcPtr(d.SnoozedUntil), SnoozeCount: d.SnoozeCount}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
