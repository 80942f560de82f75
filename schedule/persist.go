package schedule

import (
	"strings"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// insertBatch is the rows per INSERT: 8 parameters each stays far below the
// parameter limits of Postgres (65535) and SQLite (32766).
const insertBatch = 1000

// doseRow is one dose instance to insert.
type doseRow struct {
	PatientID, RegimenID int64
	Occurrence
}

// insertDoses writes rows idempotently. A row whose (regimen, instant)
// exists is left alone, except that a cancelled future dose is revived with
// fresh labels: a regimen change cancels future doses and re-expands, and a
// dose the new timing still wants must be pending again (history, i.e. any
// non-cancelled row, is never touched).
func insertDoses(tx *gorm.DB, rows []doseRow, now time.Time) error {
	for len(rows) > 0 {
		n := min(len(rows), insertBatch)
		if err := insertChunk(tx, rows[:n], now); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func insertChunk(tx *gorm.DB, rows []doseRow, now time.Time) error {
	var sb strings.Builder
	sb.WriteString("INSERT INTO dose_instances (patient_id, regimen_id, scheduled_at, local_date, local_time, state, created_at, updated_at) VALUES ")
	args := make([]any, 0, len(rows)*8)
	for i, r := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?,?,?,?,?,?)")
		args = append(args, r.PatientID, r.RegimenID, r.At, r.LocalDate, r.LocalTime, store.DosePending, now, now)
	}
	sb.WriteString(` ON CONFLICT (regimen_id, scheduled_at) DO UPDATE SET state = 'pending',
		local_date = excluded.local_date, local_time = excluded.local_time, updated_at = excluded.updated_at
		WHERE dose_instances.state = 'cancelled'`)
	return tx.Exec(sb.String(), args...).Error
}

// cancelFuture cancels regimen's pending doses due after now (a regimen
// change or stop); doses already due stay as they are.
func cancelFuture(tx *gorm.DB, regimenID int64, now time.Time) error {
	return tx.Exec(`UPDATE dose_instances SET state = 'cancelled', updated_at = ?
		WHERE regimen_id = ? AND state = 'pending' AND scheduled_at > ?`, now, regimenID, now).Error
}
