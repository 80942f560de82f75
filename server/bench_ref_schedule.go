package main

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// The physical references of bench schedule: the same rows the scheduler
// wrote, written again by hand-built multi-row statements with no
// application work (no timing rules, no zone arithmetic, no claims).

// expandedRow is one dose row the expansion wrote.
type expandedRow struct {
	PatientID, RegimenID int64
	VersionID            *int64
	NominalDate          string
	Slot                 *int
	ScheduledAt          time.Time
	LocalDate, LocalTime string
}

// refShift moves the reference's copies of the expanded doses far past
// every horizon: dose history is append-only, so the expansion's rows cannot
// be deleted and written again, and writing them again under a new identity
// (the same shape, other dates) costs what writing them did.
const refShift = 700

// rawExpandSeconds times writing the rows the expansion wrote at now again,
// as copies refShift days later, by hand: multi-row INSERT ... RETURNING id
// of 1,000 doses and one multi-row INSERT of their "scheduled" history rows
// per statement pair, ≈ 2,000 regimens' rows per transaction as
// ExtendHorizons does. It returns the seconds and the dose rows.
func rawExpandSeconds(ctx context.Context, db *gorm.DB, now time.Time) (float64, int, error) {
	db = db.WithContext(ctx)
	var rows []expandedRow
	if err := db.Table("dose_instances").
		Select("patient_id, regimen_id, version_id, nominal_date, slot, scheduled_at, local_date, local_time").
		Where("created_at = ? AND scheduled_at >= ? AND state = 'pending'", now, now).Order("regimen_id, scheduled_at").
		Scan(&rows).Error; err != nil {
		return 0, 0, err
	}
	for i := range rows {
		rows[i].shift()
	}
	total, t := len(rows), time.Now()
	for len(rows) > 0 {
		n := min(len(rows), 6000) // ≈ 2,000 regimens of 3 doses a day over 48 h
		err := db.Transaction(func(tx *gorm.DB) error {
			for chunk := rows[:n]; len(chunk) > 0; chunk = chunk[min(len(chunk), 1000):] {
				if err := rawInsertDoses(tx, chunk[:min(len(chunk), 1000)], now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, 0, err
		}
		rows = rows[n:]
	}
	return time.Since(t).Seconds(), total, nil
}

func (r *expandedRow) shift() {
	r.ScheduledAt = r.ScheduledAt.AddDate(0, 0, refShift)
	for _, d := range []*string{&r.NominalDate, &r.LocalDate} {
		if t, err := time.Parse(time.DateOnly, *d); err == nil {
			*d = t.AddDate(0, 0, refShift).Format(time.DateOnly)
		}
	}
}

func rawInsertDoses(tx *gorm.DB, rows []expandedRow, now time.Time) error {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO dose_instances (patient_id, regimen_id, version_id, nominal_date, slot, scheduled_at,
		local_date, local_time, state, created_at, updated_at) VALUES `)
	args := make([]any, 0, len(rows)*11)
	for i, r := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?,?,?,?,?,?,?,?,?)")
		args = append(args, r.PatientID, r.RegimenID, r.VersionID, r.NominalDate, r.Slot, r.ScheduledAt, r.LocalDate, r.LocalTime,
			"pending", now, now)
	}
	sb.WriteString(" ON CONFLICT DO NOTHING RETURNING id")
	var ids []int64
	if err := tx.Raw(sb.String(), args...).Scan(&ids).Error; err != nil {
		return err
	}
	return rawHistory(tx, ids, "", "scheduled", "", now)
}

// rawHistory inserts one history row per dose with one multi-row INSERT.
func rawHistory(tx *gorm.DB, ids []int64, from, to, reason string, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	var sb strings.Builder
	args := make([]any, 0, len(ids)*6)
	for i, id := range ids {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?,?,?,?)")
		args = append(args, id, from, to, now, "system", reason)
	}
	return tx.Exec("INSERT INTO dose_history (dose_id, from_state, to_state, at, source, reason) VALUES "+sb.String(), args...).Error
}

// sweptAlert is one alert the sweep opened.
type sweptAlert struct {
	DoseID, PatientID int64
	Critical          bool
	NextStep          int
	NextAt            *time.Time
}

// rawSweepSeconds undoes what the sweep at now wrote (untimed: its alerts
// and any outbox rows of them are deleted, its doses made pending again; the
// append-only history keeps its rows) and times writing the same final rows
// by hand: per chunk of batch doses, one transaction with one UPDATE of the
// doses by id, one multi-row INSERT of their alerts and one of their history
// rows. It returns the seconds and the rows written.
func rawSweepSeconds(ctx context.Context, db *gorm.DB, now time.Time, batch int) (float64, int, error) {
	db = db.WithContext(ctx)
	var doses []int64
	if err := db.Raw("SELECT id FROM dose_instances WHERE state = 'missed' AND missed_at = ? ORDER BY scheduled_at", now).
		Scan(&doses).Error; err != nil {
		return 0, 0, err
	}
	var alerts []sweptAlert
	if err := db.Raw("SELECT dose_id, patient_id, critical, next_step, next_at FROM alerts WHERE opened_at = ? AND kind = 'missed_dose'", now).
		Scan(&alerts).Error; err != nil {
		return 0, 0, err
	}
	if err := undoSweep(db, now); err != nil {
		return 0, 0, err
	}
	byDose := make(map[int64]sweptAlert, len(alerts))
	for _, a := range alerts {
		byDose[a.DoseID] = a
	}
	t := time.Now()
	for chunk := doses; len(chunk) > 0; chunk = chunk[min(len(chunk), batch):] {
		ids := chunk[:min(len(chunk), batch)]
		if err := db.Transaction(func(tx *gorm.DB) error { return rawSweepChunk(tx, ids, byDose, now) }); err != nil {
			return 0, 0, err
		}
	}
	return time.Since(t).Seconds(), 2*len(doses) + len(alerts), nil
}

func undoSweep(db *gorm.DB, now time.Time) error {
	for _, q := range []string{
		"DELETE FROM notifications WHERE alert_id IN (SELECT id FROM alerts WHERE opened_at = ? AND kind = 'missed_dose')",
		"DELETE FROM alerts WHERE opened_at = ? AND kind = 'missed_dose'",
		"UPDATE dose_instances SET state = 'pending', missed_at = NULL WHERE state = 'missed' AND missed_at = ?",
	} {
		if err := db.Exec(q, now).Error; err != nil {
			return err
		}
	}
	return nil
}

func rawSweepChunk(tx *gorm.DB, ids []int64, alerts map[int64]sweptAlert, now time.Time) error {
	if err := tx.Exec("UPDATE dose_instances SET state = 'missed', missed_at = ?, updated_at = ? WHERE id IN ?", now, now, ids).Error; err != nil {
		return err
	}
	for chunk := ids; len(chunk) > 0; chunk = chunk[min(len(chunk), 1000):] {
		if err := rawHistory(tx, chunk[:min(len(chunk), 1000)], "pending", "missed", "grace period passed", now); err != nil {
			return err
		}
	}
	var sb strings.Builder
	args := make([]any, 0, len(ids)*7)
	for _, id := range ids {
		a, ok := alerts[id]
		if !ok {
			continue
		}
		if len(args) > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?,?,?,?,?)")
		args = append(args, a.PatientID, "missed_dose", id, a.Critical, now, a.NextStep, a.NextAt)
	}
	if len(args) == 0 {
		return nil
	}
	return tx.Exec("INSERT INTO alerts (patient_id, kind, dose_id, critical, opened_at, next_step, next_at) VALUES "+
		sb.String()+" ON CONFLICT (dose_id) DO NOTHING", args...).Error
}
