package schedule

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// SweepMissed turns pending doses past their grace into missed ones and
// opens one escalation (alerts row) per missed dose, in the same
// transaction. A dose of a dispenser compartment due while that dispenser
// is in an outage is marked during_outage and not escalated: the caregivers
// already have a "dispenser offline" alert, and the dose may well have been
// taken (its event arrives with the device's backlog).
func (s *Scheduler) SweepMissed(ctx context.Context, now time.Time) (int, error) {
	return s.drain(ctx, func(tx *gorm.DB) (int, error) {
		if store.IsPostgres(tx) {
			return sweepBatchPG(tx, now, s.batch())
		}
		return sweepBatch(tx, now, s.batch())
	})
}

// duringOutageSQL is true for a dose (the row being updated) of a
// dispenser compartment that was due while its patient's dispenser was out.
const duringOutageSQL = `EXISTS (SELECT 1 FROM dispenser_outages o JOIN regimens r ON r.id = dose_instances.regimen_id
	WHERE o.patient_id = dose_instances.patient_id AND o.started_at <= dose_instances.scheduled_at
	AND (o.ended_at IS NULL OR o.ended_at >= dose_instances.scheduled_at) AND r.compartment IS NOT NULL)`

// sweepBatch is one batch of the sweep, statement by statement (SQLite).
func sweepBatch(tx *gorm.DB, now time.Time, batch int) (int, error) {
	var rows []struct {
		ID, PatientID int64
		DuringOutage  bool
	}
	err := rawScan(tx, &rows, `UPDATE dose_instances SET state = 'missed', missed_at = ?, updated_at = ?,
			during_outage = during_outage OR `+duringOutageSQL+`
		WHERE id IN (SELECT d.id FROM dose_instances d JOIN regimens r ON r.id = d.regimen_id
			WHERE d.state = 'pending' AND d.scheduled_at <= ? AND `+plusMinutesLE(tx, "d.scheduled_at", "r.grace_min")+`
			ORDER BY d.scheduled_at LIMIT ?`+strings.Replace(skipLocked(tx), "UPDATE", "UPDATE OF d", 1)+`)
		RETURNING id, patient_id, during_outage`, now, now, now, now, batch)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID }) // history in dose order
	var ids, all []int64
	for _, r := range rows {
		all = append(all, r.ID)
		if !r.DuringOutage {
			ids = append(ids, r.ID)
		}
	}
	if err := appendHistory(tx, System, now, sameChange(all, store.DosePending, store.DoseMissed, reasonGrace)); err != nil {
		return 0, err
	}
	return len(rows), openMissedAlerts(tx, ids, now)
}

// openMissedAlerts inserts one alert per dose with the first ladder step of
// its patient's policy already scheduled: set-based for patients on the
// default ladder (the common case, one INSERT ... SELECT per criticality),
// row by row for patients with a policy of their own.
func openMissedAlerts(tx *gorm.DB, doseIDs []int64, now time.Time) error {
	if len(doseIDs) == 0 {
		return nil
	}
	for _, critical := range []bool{false, true} {
		step, at := firstStep(DefaultPolicy, critical, now)
		if err := tx.Exec(`INSERT INTO alerts (patient_id, kind, dose_id, critical, opened_at, next_step, next_at)
			SELECT d.patient_id, 'missed_dose', d.id, r.critical, ?, ?, ? FROM dose_instances d
			JOIN regimens r ON r.id = d.regimen_id JOIN patients p ON p.id = d.patient_id
			WHERE d.id IN ? AND r.critical = ? AND p.escalation_policy = '' AND NOT `+fmt.Sprintf(hospitalSQL, "d")+`
			ON CONFLICT (dose_id) DO NOTHING`, now, step, at, doseIDs, critical).Error; err != nil {
			return err
		}
	}
	return openCustomAlerts(tx, doseIDs, now)
}

// customFacts are what an alert on a patient's own ladder needs.
type customFacts struct {
	ID, PatientID    int64
	Critical         bool
	EscalationPolicy string
}

func openCustomAlerts(tx *gorm.DB, doseIDs []int64, now time.Time) error {
	var facts []customFacts
	if err := tx.Raw(`SELECT d.id, d.patient_id, r.critical, p.escalation_policy FROM dose_instances d
		JOIN regimens r ON r.id = d.regimen_id JOIN patients p ON p.id = d.patient_id
		WHERE d.id IN ? AND p.escalation_policy <> '' AND NOT `+fmt.Sprintf(hospitalSQL, "d"), doseIDs).Scan(&facts).Error; err != nil {
		return err
	}
	return openCustom(tx, facts, now)
}

// openCustom opens one alert per dose of facts, row by row: each patient's
// own policy decides its first step.
func openCustom(tx *gorm.DB, facts []customFacts, now time.Time) error {
	for _, f := range facts {
		step, at := firstStep(policyOf(f.PatientID, f.EscalationPolicy), f.Critical, now)
		a := store.Alert{PatientID: f.PatientID, Kind: store.AlertMissedDose, DoseID: &f.ID, Critical: f.Critical,
			OpenedAt: now, NextStep: step, NextAt: at}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&a).Error; err != nil {
			return err
		}
	}
	return nil
}

// firstStep is where a new alert starts on p: the first applicable step and
// when it fires, or past the end (nil) when no step applies.
func firstStep(p Policy, critical bool, opened time.Time) (int, *time.Time) {
	idx, at, ok := p.nextStep(0, critical, opened)
	if !ok {
		return len(p.Steps), nil
	}
	return idx, &at
}
