package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// openAlertPatients is how many demo patients start with an open missed-dose
// escalation, so a newcomer sees the needs-attention inbox at work.
const openAlertPatients = 3

// Attention gives the demo clinic something that needs attention now: open
// missed-dose escalations (the scheduler fires their next step), one
// dispenser offline with its open alert, and one dispenser reporting low
// supply. It is idempotent: alerts are unique per dose, the outage and the
// event are added only once. It does nothing when the demo clinic is absent.
func Attention(ctx context.Context, db *gorm.DB, now time.Time) error {
	var clinic store.Clinic
	err := db.WithContext(ctx).Where("name = ?", DemoClinicName).Take(&clinic).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	now = now.UTC()
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := pastEscalations(tx, clinic.ID, now); err != nil {
			return err
		}
		if err := openAlerts(tx, clinic.ID, now); err != nil {
			return err
		}
		if err := offlineDispenser(tx, "DL-DEMO-0004", now); err != nil {
			return err
		}
		return lowSupply(tx, "DL-DEMO-0006", now)
	})
}

// openAlerts opens an escalation for the latest missed dose of the first
// patients whose recent misses have none, unless some are open already.
func openAlerts(tx *gorm.DB, clinicID int64, now time.Time) error {
	var open int64
	if err := tx.Model(&store.Alert{}).Joins("JOIN patients p ON p.id = alerts.patient_id").
		Where("p.clinic_id = ? AND alerts.kind = ? AND alerts.closed_at IS NULL", clinicID, store.AlertMissedDose).Count(&open).Error; err != nil || open > 0 {
		return err
	}
	var doses []store.DoseInstance
	err := tx.Table("dose_instances d").Select("d.*").Joins("JOIN patients p ON p.id = d.patient_id").
		Where("p.clinic_id = ? AND d.state = ? AND d.missed_at >= ?", clinicID, store.DoseMissed, now.Add(-48*time.Hour)).
		Where("NOT EXISTS (SELECT 1 FROM alerts a WHERE a.dose_id = d.id)").
		Order("d.scheduled_at DESC").Find(&doses).Error
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, d := range doses {
		if seen[d.PatientID] || len(seen) == openAlertPatients {
			continue
		}
		seen[d.PatientID] = true
		id, opened := d.ID, *d.MissedAt
		a := store.Alert{PatientID: d.PatientID, Kind: store.AlertMissedDose, DoseID: &id, OpenedAt: opened, NextStep: 1, NextAt: &now}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&a).Error; err != nil {
			return err
		}
	}
	return nil
}

// pastEscalations gives every older missed dose without one the escalation
// the scheduler would have run: the patient re-reminded, the first caregiver
// notified, and that caregiver acknowledging within the hour.
func pastEscalations(tx *gorm.DB, clinicID int64, now time.Time) error {
	var rows []struct {
		ID, PatientID int64
		MissedAt      time.Time
		PatientUser   *int64
		CaregiverID   *int64
	}
	err := tx.Table("dose_instances d").
		Select(`d.id, d.patient_id, d.missed_at, p.user_id AS patient_user,
			(SELECT cl.caregiver_id FROM care_links cl WHERE cl.patient_id = d.patient_id AND cl.state = 'active' ORDER BY cl.escalation_order LIMIT 1) AS caregiver_id`).
		Joins("JOIN patients p ON p.id = d.patient_id").
		Where("p.clinic_id = ? AND d.state = ? AND d.missed_at < ?", clinicID, store.DoseMissed, now.Add(-48*time.Hour)).
		Where("NOT EXISTS (SELECT 1 FROM alerts a WHERE a.dose_id = d.id)").Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := pastEscalation(tx, r.ID, r.PatientID, r.MissedAt, r.PatientUser, r.CaregiverID); err != nil {
			return err
		}
	}
	return nil
}

func pastEscalation(tx *gorm.DB, doseID, patientID int64, opened time.Time, patientUser, caregiver *int64) error {
	ack := opened.Add(time.Duration(35+doseID%20) * time.Minute)
	a := store.Alert{PatientID: patientID, Kind: store.AlertMissedDose, DoseID: &doseID, OpenedAt: opened, NextStep: 2,
		ClosedAt: &ack, CloseReason: "acknowledged", AcknowledgedBy: caregiver, AcknowledgedAt: &ack}
	if caregiver == nil {
		a.CloseReason, a.AcknowledgedAt = "expired", nil
	}
	if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&a).Error; err != nil || a.ID == 0 {
		return err
	}
	for step, to := range []*int64{patientUser, caregiver} {
		if to == nil {
			continue
		}
		sent := opened.Add(time.Duration(15*(step+1)) * time.Minute)
		n := store.Notification{DedupeKey: fmt.Sprintf("alert:%d:step:%d:user:%d:push", a.ID, step, *to), RecipientID: *to,
			Channel: "push", Kind: "escalation", PatientID: &patientID, DoseID: &doseID, AlertID: &a.ID, Payload: "{}",
			State: store.NotifySent, Attempts: 1, NotBefore: sent, CreatedAt: sent, SentAt: &sent, ProviderID: "demo"}
		if err := tx.Create(&n).Error; err != nil {
			return err
		}
	}
	return nil
}

// offlineDispenser records an open outage (and its alert) for serial.
func offlineDispenser(tx *gorm.DB, serial string, now time.Time) error {
	var d store.Dispenser
	if err := tx.Where("serial = ? AND revoked_at IS NULL", serial).Take(&d).Error; err != nil {
		return ignoreMissing(err)
	}
	var n int64
	if err := tx.Model(&store.DispenserOutage{}).Where("dispenser_id = ? AND ended_at IS NULL", d.ID).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	seen, started := now.Add(-5*time.Hour), now.Add(-4*time.Hour)
	if err := tx.Model(&d).Update("last_seen_at", seen).Error; err != nil {
		return err
	}
	if err := tx.Create(&store.DispenserOutage{DispenserID: d.ID, PatientID: d.PatientID, StartedAt: started, DetectedAt: started}).Error; err != nil {
		return err
	}
	id := d.ID
	return tx.Create(&store.Alert{PatientID: *d.PatientID, Kind: store.AlertDeviceOffline, DispenserID: &id, OpenedAt: started, NextStep: 1}).Error
}

// lowSupply stores a refill_low event from serial, as a dispenser would.
func lowSupply(tx *gorm.DB, serial string, now time.Time) error {
	var d store.Dispenser
	if err := tx.Where("serial = ? AND revoked_at IS NULL", serial).Take(&d).Error; err != nil {
		return ignoreMissing(err)
	}
	one, left := 1, 3.0
	e := store.DoseEvent{DispenserID: d.ID, DeviceEventID: "demo-refill-low", Type: store.EventRefillLow, OccurredAt: now.Add(-2 * time.Hour),
		ReceivedAt: now.Add(-2 * time.Hour), Compartment: &one, Quantity: &left, Details: "{}"}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&e).Error
}

func ignoreMissing(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	return err
}
