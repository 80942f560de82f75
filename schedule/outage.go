package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// silentDispenser is a dispenser heard from last longer ago than twice its
// heartbeat interval, with no outage recorded for that silence yet.
type silentDispenser struct {
	ID, PatientID int64
	Serial        string
	LastSeenAt    time.Time
}

// CheckOffline runs the device-offline job: it ends outages of dispensers
// heard from again (closing their alert), opens an outage plus a
// device_offline alert for each newly silent dispenser and tells the
// patient's caregivers once per outage, and marks compartment doses due
// during open outages. The outage row is unique per (dispenser, started_at =
// last_seen_at), so concurrent replicas open it once. Returns outages opened.
func (s *Scheduler) CheckOffline(ctx context.Context, now time.Time) (int, error) {
	db := s.DB.WithContext(ctx)
	if err := endOutages(db, now); err != nil {
		return 0, err
	}
	var silent []silentDispenser
	err := db.Raw(`SELECT d.id, d.patient_id, d.serial, d.last_seen_at FROM dispensers d
		WHERE d.revoked_at IS NULL AND d.patient_id IS NOT NULL AND d.last_seen_at IS NOT NULL
		AND `+plusSecondsLT(db, "d.last_seen_at", "2 * d.heartbeat_interval_s")+`
		AND NOT EXISTS (SELECT 1 FROM dispenser_outages o WHERE o.dispenser_id = d.id AND o.started_at = d.last_seen_at)
		ORDER BY d.id`, now).Scan(&silent).Error
	if err != nil {
		return 0, err
	}
	opened := 0
	for _, d := range silent {
		var ok bool
		err := db.Transaction(func(tx *gorm.DB) error {
			ok, err = openOutage(tx, d, now)
			return err
		})
		if err != nil {
			return opened, err
		}
		if ok {
			opened++
		}
	}
	return opened, markDuringOutage(db, now)
}

func openOutage(tx *gorm.DB, d silentDispenser, now time.Time) (bool, error) {
	var ids []int64
	if err := tx.Raw(`INSERT INTO dispenser_outages (dispenser_id, patient_id, started_at, detected_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (dispenser_id, started_at) DO NOTHING RETURNING id`, d.ID, d.PatientID, d.LastSeenAt, now).Scan(&ids).Error; err != nil || len(ids) == 0 {
		return false, err // another replica opened it
	}
	alert := store.Alert{PatientID: d.PatientID, Kind: store.AlertDeviceOffline, DispenserID: &d.ID, OpenedAt: now}
	if err := tx.Create(&alert).Error; err != nil {
		return false, err
	}
	var pt store.Patient
	if err := tx.Select("id, name, time_zone").Take(&pt, d.PatientID).Error; err != nil {
		return false, err
	}
	cgs, err := activeCaregivers(tx, d.PatientID, now, false)
	if err != nil {
		return false, err
	}
	p := store.OutboxPayload{Template: "device_offline", PatientID: pt.ID, PatientName: pt.Name, AlertID: alert.ID,
		TimeZone: pt.TimeZone, Serial: d.Serial}
	for _, cg := range cgs {
		if cg.muted {
			continue
		}
		n := &store.Notification{DedupeKey: fmt.Sprintf("alert:%d:device_offline:user:%d:push", alert.ID, cg.id),
			RecipientID: cg.id, Channel: "push", Kind: KindDeviceOffline, PatientID: &pt.ID, AlertID: &alert.ID,
			NotBefore: now, CreatedAt: now}
		if _, err := store.Enqueue(tx, n, p); err != nil {
			return false, err
		}
	}
	return true, nil
}

// endOutages closes outages whose dispenser has been heard from since they
// began, and their device_offline alerts.
func endOutages(db *gorm.DB, now time.Time) error {
	return db.Transaction(func(tx *gorm.DB) error {
		var ended []struct{ DispenserID int64 }
		if err := tx.Raw(`UPDATE dispenser_outages SET ended_at = (SELECT d.last_seen_at FROM dispensers d WHERE d.id = dispenser_outages.dispenser_id)
			WHERE ended_at IS NULL AND EXISTS (SELECT 1 FROM dispensers d WHERE d.id = dispenser_outages.dispenser_id AND d.last_seen_at > dispenser_outages.started_at)
			RETURNING dispenser_id`).Scan(&ended).Error; err != nil || len(ended) == 0 {
			return err
		}
		ids := make([]int64, len(ended))
		for i, e := range ended {
			ids[i] = e.DispenserID
		}
		return tx.Exec(`UPDATE alerts SET closed_at = ?, close_reason = 'device_back' WHERE kind = 'device_offline'
			AND closed_at IS NULL AND dispenser_id IN ?`, now, ids).Error
	})
}

// markDuringOutage flags compartment doses due while an outage is open, so
// reports can tell "device silent" from "dose not taken".
func markDuringOutage(db *gorm.DB, now time.Time) error {
	return db.Exec(`UPDATE dose_instances SET during_outage = ? WHERE id IN (SELECT d.id FROM dispenser_outages o
		JOIN dose_instances d ON d.patient_id = o.patient_id AND d.scheduled_at >= o.started_at AND d.scheduled_at <= ?
		JOIN regimens r ON r.id = d.regimen_id
		WHERE o.ended_at IS NULL AND d.during_outage = ? AND r.compartment IS NOT NULL)`, true, now, false).Error
}
