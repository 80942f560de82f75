package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// claimedAlert is an alert whose next ladder step is due.
type claimedAlert struct {
	ID, PatientID int64
	DoseID        *int64
	Critical      bool
	OpenedAt      time.Time
	NextStep      int
}

// Escalate fires every due ladder step of open alerts, each exactly once
// across replicas: the claim and the step's outbox rows share a transaction,
// and the alert moves to its following step (or finishes) in it too. A closed
// alert (dose recorded, caregiver acknowledged) is never claimed.
func (s *Scheduler) Escalate(ctx context.Context, now time.Time) (int, error) {
	return s.drain(ctx, func(tx *gorm.DB) (int, error) {
		var alerts []claimedAlert
		err := tx.Raw(`UPDATE alerts SET next_at = NULL WHERE id IN (SELECT id FROM alerts
				WHERE closed_at IS NULL AND next_at <= ? ORDER BY next_at LIMIT ?`+skipLocked(tx)+`)
			RETURNING id, patient_id, dose_id, critical, opened_at, next_step`, now, s.batch()).Scan(&alerts).Error
		if err != nil {
			return 0, err
		}
		for _, a := range alerts {
			if err := s.fireStep(tx, a, now); err != nil {
				return 0, err
			}
		}
		return len(alerts), nil
	})
}

func (s *Scheduler) fireStep(tx *gorm.DB, a claimedAlert, now time.Time) error {
	var pt store.Patient
	if err := tx.Select("id, user_id, name, time_zone, escalation_policy").Take(&pt, a.PatientID).Error; err != nil {
		return err
	}
	pol := policyOf(pt.ID, pt.EscalationPolicy)
	if a.NextStep < len(pol.Steps) && a.DoseID != nil && (a.Critical || !pol.Steps[a.NextStep].CriticalOnly) {
		if err := s.sendStep(tx, a, pol.Steps[a.NextStep], now); err != nil {
			return err
		}
	}
	idx, at, ok := pol.nextStep(a.NextStep+1, a.Critical, a.OpenedAt)
	if !ok {
		return tx.Exec("UPDATE alerts SET next_step = ?, next_at = NULL WHERE id = ?", len(pol.Steps), a.ID).Error
	}
	return tx.Exec("UPDATE alerts SET next_step = ?, next_at = ? WHERE id = ?", idx, at, a.ID).Error
}

// sendStep queues the step's messages, one per recipient.
func (s *Scheduler) sendStep(tx *gorm.DB, a claimedAlert, st Step, now time.Time) error {
	doses, err := loadDoses(tx, []int64{*a.DoseID})
	if err != nil || len(doses) == 0 {
		return err
	}
	d := doses[0]
	if d.State != store.DoseMissed {
		// recorded by a path that did not close the alert: close it now
		return CloseDoseAlert(tx, d.ID, "dose_recorded", now)
	}
	users, template, err := stepRecipients(tx, d, st, a.Critical, now)
	if err != nil {
		return err
	}
	p := d.payload(template)
	p.AlertID, p.Step = a.ID, a.NextStep+1
	for _, uid := range users {
		for _, ch := range st.channels() {
			n := &store.Notification{
				DedupeKey:   fmt.Sprintf("alert:%d:step:%d:user:%d:%s", a.ID, a.NextStep, uid, ch),
				RecipientID: uid, Channel: ch, Kind: KindEscalation, Critical: a.Critical,
				PatientID: &d.PatientID, DoseID: &d.ID, AlertID: &a.ID, NotBefore: now, CreatedAt: now,
			}
			if _, err := store.Enqueue(tx, n, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// stepRecipients resolves a step to user ids and the template they get.
// A muted caregiver gets no non-critical alert; the step is not handed to
// the next caregiver (that caregiver has a step of their own).
func stepRecipients(tx *gorm.DB, d doseInfo, st Step, critical bool, now time.Time) ([]int64, string, error) {
	switch st.Notify {
	case NotifyPatient:
		if d.UserID == nil {
			return nil, "", nil
		}
		return []int64{*d.UserID}, "missed_dose_patient", nil
	case NotifyCaregiver:
		cgs, err := activeCaregivers(tx, d.PatientID, now, critical)
		if err != nil || st.Order > len(cgs) || cgs[st.Order-1].muted {
			return nil, "", err
		}
		return []int64{cgs[st.Order-1].id}, "missed_dose_caregiver", nil
	case NotifyPhysician:
		var ids []int64
		err := tx.Raw("SELECT physician_id FROM care_team_members WHERE patient_id = ? ORDER BY physician_id", d.PatientID).Scan(&ids).Error
		return ids, "missed_dose_physician", err
	}
	return nil, "", nil
}

type caregiver struct {
	id    int64
	muted bool // muted and the alert is not critical
}

// activeCaregivers lists a patient's active caregivers in escalation order.
func activeCaregivers(tx *gorm.DB, patientID int64, now time.Time, critical bool) ([]caregiver, error) {
	var links []store.CareLink
	err := tx.Where("patient_id = ? AND state = ? AND caregiver_id IS NOT NULL", patientID, store.LinkActive).
		Order("escalation_order, id").Find(&links).Error
	out := make([]caregiver, len(links))
	for i, l := range links {
		out[i] = caregiver{id: *l.CaregiverID, muted: !critical && l.MutedUntil != nil && l.MutedUntil.After(now)}
	}
	return out, err
}
