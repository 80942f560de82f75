package seed

import (
	"context"
	"errors"
	"hash/fnv"
	"time"

	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// historyDays is how much dose history History writes.
const historyDays = 190 // 90 days and the 90 before them, so every period has a trend

// adherenceProfiles give each demo patient (by position) a share of doses
// taken and of those taken late, so the dashboard shows a realistic spread:
// steady patients, a slipping one, one on a drug holiday right now.
var adherenceProfiles = []struct {
	taken, late float64
	holidayNow  bool
}{{0.97, 0.05, false}, {0.78, 0.20, false}, {0.95, 0.03, false}, {0.88, 0.15, false}, {0.65, 0.25, false},
	{0.92, 0.10, false}, {0.55, 0.30, true}, {0.99, 0.02, false}, {0.83, 0.12, false}, {0.90, 0.08, false},
	{0.72, 0.18, false}, {0.86, 0.10, false}}

// History writes the demo clinic's dose history for the historyDays days before now:
// taken (on time or late), missed and skipped doses, an occasional double
// dose, and an acknowledged escalation for each missed critical dose, each
// dose under its regimen's version and with its history. It is idempotent
// (dose instances are unique per version, date and slot, alerts per dose,
// history is written once per dose) and does nothing when the demo clinic
// is absent.
func History(ctx context.Context, db *gorm.DB, now time.Time) error {
	var clinic store.Clinic
	err := db.WithContext(ctx).Where("name = ?", DemoClinicName).Take(&clinic).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	var pts []store.Patient
	if err := db.WithContext(ctx).Where("clinic_id = ?", clinic.ID).Order("id").Find(&pts).Error; err != nil {
		return err
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for i := range pts {
			if err := patientHistory(tx, &pts[i], i, now.UTC()); err != nil {
				return err
			}
		}
		return escalations(tx, clinic.ID, now.UTC())
	})
}

func patientHistory(tx *gorm.DB, pt *store.Patient, i int, now time.Time) error {
	var regs []store.Regimen
	if err := tx.Where("patient_id = ? AND as_needed = ?", pt.ID, false).Find(&regs).Error; err != nil {
		return err
	}
	prof := adherenceProfiles[i%len(adherenceProfiles)]
	for _, reg := range regs {
		span, err := schedule.SpanOf(&reg, pt)
		if err != nil {
			return err
		}
		if _, err := schedule.SyncVersion(tx, &reg, now, nil); err != nil {
			return err
		}
		// Only doses whose grace window has passed: the scheduler owns the rest.
		occ := schedule.Expand(span, now.AddDate(0, 0, -historyDays), now.Add(-time.Duration(reg.GraceMin+1)*time.Minute))
		rows := make([]store.DoseInstance, 0, len(occ))
		for _, o := range occ {
			rows = append(rows, historicDose(reg, o, prof.taken, prof.late, prof.holidayNow && now.Sub(o.At) < 4*24*time.Hour, now))
		}
		if len(rows) == 0 {
			continue
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, 200).Error; err != nil {
			return err
		}
		if err := historyRows(tx, reg.PatientID, reg.ID); err != nil {
			return err
		}
	}
	return nil
}

// historyRows gives each demo dose of regimen that has no history yet its
// two rows: scheduled (system) and its outcome (who recorded it, or the
// sweep for a missed dose), so the demo shows what a real record looks like.
// The patient's id lets dose_instances_patient_idx find them (migration 00230).
func historyRows(tx *gorm.DB, patientID, regimenID int64) error {
	noHistory := " FROM dose_instances d WHERE d.patient_id = ? AND d.regimen_id = ? AND NOT EXISTS (SELECT 1 FROM dose_history h WHERE h.dose_id = d.id)"
	return tx.Exec(`INSERT INTO dose_history (dose_id, from_state, to_state, at, source, reason)
		SELECT d.id, '', 'scheduled', d.scheduled_at, 'system', ''`+noHistory+`
		UNION ALL SELECT d.id, 'pending', d.state, COALESCE(d.taken_at, d.missed_at, d.scheduled_at),
			CASE WHEN d.state = 'missed' THEN 'system' WHEN d.source IN ('dispenser', 'caregiver') THEN d.source ELSE 'patient' END,
			d.skip_reason`+noHistory+` ORDER BY 1, 2`, patientID, regimenID, patientID, regimenID).Error
}

// historicDose decides one past dose from a hash of (regimen, instant), so
// reruns decide the same way.
func historicDose(reg store.Regimen, o schedule.Occurrence, taken, late float64, holiday bool, now time.Time) store.DoseInstance {
	h := fnv.New64a()
	h.Write([]byte(o.At.Format(time.RFC3339)))
	h.Write([]byte{byte(reg.ID), byte(reg.ID >> 8), byte(reg.ID >> 16)})
	r := float64(h.Sum64()%10000) / 10000
	slot := o.Slot
	d := store.DoseInstance{PatientID: reg.PatientID, RegimenID: reg.ID, VersionID: reg.CurrentVersionID, ScheduledAt: o.At,
		LocalDate: o.LocalDate, LocalTime: o.LocalTime, NominalDate: o.NominalDate, Slot: &slot, State: store.DoseMissed,
		CreatedAt: now, UpdatedAt: now}
	source := "patient"
	if reg.Compartment != nil {
		source = "dispenser"
	}
	switch {
	case holiday:
	case r < taken*(1-late):
		at, yes := o.At.Add(time.Duration(r*40)*time.Minute-10*time.Minute), true
		d.State, d.TakenAt, d.OnTime, d.Source, d.DispenserReported = store.DoseTaken, &at, &yes, source, reg.Compartment != nil
		d.DoubleDose = r < 0.01
	case r < taken:
		at, no := o.At.Add(time.Duration(reg.OnTimeWindowMin)*time.Minute+time.Duration(r*180)*time.Minute), false
		d.State, d.TakenAt, d.OnTime, d.Source = store.DoseTaken, &at, &no, source
	case r < taken+(1-taken)/4:
		d.State, d.SkipReason = store.DoseSkipped, "felt unwell"
	}
	if d.State == store.DoseMissed {
		missed := o.At.Add(time.Duration(reg.GraceMin) * time.Minute)
		d.MissedAt = &missed
	}
	return d
}

// escalations adds a closed, acknowledged alert for each missed dose of a
// critical regimen that has none, acknowledged by the first caregiver.
func escalations(tx *gorm.DB, clinicID int64, now time.Time) error {
	var rows []struct {
		ID, PatientID int64
		ScheduledAt   time.Time
		CaregiverID   *int64
	}
	err := tx.Table("dose_instances d").
		Select("d.id, d.patient_id, d.scheduled_at, (SELECT cl.caregiver_id FROM care_links cl WHERE cl.patient_id = d.patient_id AND cl.state = 'active' ORDER BY cl.escalation_order LIMIT 1) AS caregiver_id").
		Joins("JOIN regimens r ON r.id = d.regimen_id").Joins("JOIN patients p ON p.id = d.patient_id").
		Where("p.clinic_id = ? AND r.critical AND d.state = 'missed' AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.dose_id = d.id)", clinicID).
		Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		opened := r.ScheduledAt.Add(time.Hour)
		ack := opened.Add(25 * time.Minute)
		id := r.ID
		a := store.Alert{PatientID: r.PatientID, Kind: store.AlertMissedDose, DoseID: &id, Critical: true, OpenedAt: opened,
			NextStep: 1, ClosedAt: &ack, CloseReason: "acknowledged", AcknowledgedBy: r.CaregiverID, AcknowledgedAt: &ack}
		if r.CaregiverID == nil {
			a.CloseReason, a.AcknowledgedAt = "expired", nil
		}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&a).Error; err != nil {
			return err
		}
	}
	return nil
}
