package schedule

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// SweepMissed turns pending doses past their grace into missed ones and
// opens one escalation (alerts row) per missed dose, in the same
// transaction. A dose of a dispenser compartment due while that dispenser
// is in an outage is marked during_outage and not escalated: the caregivers
// already have a "dispenser offline" alert, and the dose may well have been
// taken (its event arrives with the device's backlog).
func (s *Scheduler) SweepMissed(ctx context.Context, now time.Time) (int, error) {
	return s.drain(ctx, func(tx *gorm.DB) (int, error) {
		var rows []struct {
			ID, PatientID int64
			DuringOutage  bool
		}
		err := tx.Raw(`UPDATE dose_instances SET state = 'missed', missed_at = ?, updated_at = ?,
				during_outage = during_outage OR EXISTS (SELECT 1 FROM dispenser_outages o JOIN regimens r ON r.id = dose_instances.regimen_id
					WHERE o.patient_id = dose_instances.patient_id AND o.started_at <= dose_instances.scheduled_at
					AND (o.ended_at IS NULL OR o.ended_at >= dose_instances.scheduled_at) AND r.compartment IS NOT NULL)
			WHERE id IN (SELECT d.id FROM dose_instances d JOIN regimens r ON r.id = d.regimen_id
				WHERE d.state = 'pending' AND d.scheduled_at <= ? AND `+plusMinutesLE(tx, "d.scheduled_at", "r.grace_min")+`
				ORDER BY d.scheduled_at LIMIT ?`+strings.Replace(skipLocked(tx), "UPDATE", "UPDATE OF d", 1)+`)
			RETURNING id, patient_id, during_outage`, now, now, now, now, s.batch()).Scan(&rows).Error
		if err != nil || len(rows) == 0 {
			return 0, err
		}
		var ids []int64
		for _, r := range rows {
			if !r.DuringOutage {
				ids = append(ids, r.ID)
			}
		}
		return len(rows), openMissedAlerts(tx, ids, now)
	})
}

// openMissedAlerts inserts one alert per dose with the first ladder step of
// its patient's policy already scheduled.
func openMissedAlerts(tx *gorm.DB, doseIDs []int64, now time.Time) error {
	if len(doseIDs) == 0 {
		return nil
	}
	var facts []struct {
		ID, PatientID    int64
		Critical         bool
		EscalationPolicy string
	}
	if err := tx.Raw(`SELECT d.id, d.patient_id, r.critical, p.escalation_policy FROM dose_instances d
		JOIN regimens r ON r.id = d.regimen_id JOIN patients p ON p.id = d.patient_id WHERE d.id IN ?`, doseIDs).Scan(&facts).Error; err != nil {
		return err
	}
	var sb strings.Builder
	args := make([]any, 0, len(facts)*7)
	for i, f := range facts {
		step, at, ok := policyOf(f.PatientID, f.EscalationPolicy).nextStep(0, f.Critical, now)
		var next any
		if ok {
			next = at
		} else {
			step = len(policyOf(f.PatientID, f.EscalationPolicy).Steps)
		}
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?,?,?,?,?)")
		args = append(args, f.PatientID, "missed_dose", f.ID, f.Critical, now, step, next)
	}
	return tx.Exec(`INSERT INTO alerts (patient_id, kind, dose_id, critical, opened_at, next_step, next_at) VALUES `+
		sb.String()+` ON CONFLICT (dose_id) DO NOTHING`, args...).Error
}
