package schedule

import (
	"errors"
	"sort"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// PRNAllowed applies maxDosePerPeriod as a rolling window: a dose at `at` is
// allowed when fewer than limit.Count doses were taken in (at-period, at].
// When it is not, next is the first instant one becomes allowed again.
func PRNAllowed(limit *Ratio, taken []time.Time, at time.Time) (ok bool, next time.Time) {
	if limit == nil {
		return true, time.Time{}
	}
	period := time.Duration(limit.Period * float64(unitDur[limit.PeriodUnit]))
	var in []time.Time
	for _, t := range taken {
		if t.After(at.Add(-period)) && !t.After(at) {
			in = append(in, t)
		}
	}
	if len(in) < limit.Count {
		return true, time.Time{}
	}
	sort.Slice(in, func(i, j int) bool { return in[i].Before(in[j]) })
	return false, in[len(in)-limit.Count].Add(period)
}

// LogPRN records an as-needed dose of regimen taken at takenAt, refusing one
// over the regimen's maxDosePerPeriod. A retry with the same instant returns
// the dose already logged. Errors: NotFound, Invalid (not an as-needed
// regimen), Conflict reason "prn_limit" with next_allowed_at.
func LogPRN(tx *gorm.DB, regimenID int64, takenAt time.Time, source string) (*store.DoseInstance, error) {
	takenAt = takenAt.UTC().Truncate(time.Microsecond)
	var reg store.Regimen
	if err := tx.Take(&reg, regimenID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, apperr.E(apperr.NotFound, "no such regimen")
	} else if err != nil {
		return nil, err
	}
	if !reg.AsNeeded || reg.StoppedAt != nil {
		return nil, apperr.E(apperr.Invalid, "this regimen is not an active as-needed regimen").WithReason("not_prn")
	}
	var existing store.DoseInstance
	// patient_id lets dose_instances_patient_idx serve both reads (migration 00230).
	if err := tx.Where("patient_id = ? AND regimen_id = ? AND scheduled_at = ?", reg.PatientID, reg.ID, takenAt).Take(&existing).Error; err == nil {
		return &existing, nil
	}
	t, err := ParseTiming([]byte(reg.Timing))
	if err != nil {
		return nil, err
	}
	var taken []time.Time
	if err := tx.Model(&store.DoseInstance{}).Where("patient_id = ? AND regimen_id = ? AND state = ? AND scheduled_at > ?",
		reg.PatientID, reg.ID, store.DoseTaken, takenAt.AddDate(0, 0, -32)).Pluck("taken_at", &taken).Error; err != nil {
		return nil, err
	}
	if ok, next := PRNAllowed(t.MaxDosePerPeriod, taken, takenAt); !ok {
		return nil, apperr.E(apperr.Conflict, "the most this medication allows has been taken; the next dose is allowed at %s",
			next.Format(time.RFC3339)).WithReason("prn_limit").With("next_allowed_at", next)
	}
	return insertPRN(tx, &reg, takenAt, source)
}

func insertPRN(tx *gorm.DB, reg *store.Regimen, takenAt time.Time, source string) (*store.DoseInstance, error) {
	var pt store.Patient
	if err := tx.Select("id, time_zone").Take(&pt, reg.PatientID).Error; err != nil {
		return nil, err
	}
	return RecordPRN(tx, reg, &pt, takenAt, Actor{Source: source}, tx.NowFunc())
}

// RecordPRN writes an as-needed dose of reg taken at takenAt, under reg's
// current version, labelled in pt's zone, with its history row. The caller
// has checked the limit. A second dose at the same instant fails with
// gorm.ErrDuplicatedKey (unique per regimen and instant).
func RecordPRN(tx *gorm.DB, reg *store.Regimen, pt *store.Patient, takenAt time.Time, actor Actor, now time.Time) (*store.DoseInstance, error) {
	loc, err := LoadZone(pt.TimeZone)
	if err != nil {
		return nil, err
	}
	vid, err := SyncVersion(tx, reg, now, nil)
	if err != nil {
		return nil, err
	}
	on, l := true, takenAt.In(loc)
	d := store.DoseInstance{PatientID: reg.PatientID, RegimenID: reg.ID, VersionID: &vid, ScheduledAt: takenAt,
		LocalDate: l.Format("2006-01-02"), LocalTime: l.Format("15:04"), NominalDate: l.Format("2006-01-02"),
		State: store.DoseTaken, OnTime: &on, TakenAt: &takenAt, Source: actor.Source, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&d).Error; err != nil {
		return nil, err
	}
	return &d, appendHistory(tx, actor, now, []change{{DoseID: d.ID, To: store.DoseTaken, Reason: "as needed"}})
}
