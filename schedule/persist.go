package schedule

import (
	"strings"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// insertBatch is the rows per INSERT: 11 parameters each stays far below the
// parameter limits of Postgres (65535) and SQLite (32766).
const insertBatch = 1000

// doseRow is one dose instance to insert.
type doseRow struct {
	PatientID, RegimenID, VersionID int64
	Occurrence
}

// insertDoses writes rows idempotently: a dose whose identity (version,
// nominal date, slot) exists is left alone. Each new dose gets its
// "scheduled" history row in the same transaction, and a new dose inside a
// recorded absence is excluded (with its "excluded" history row). Postgres
// does it in one statement per pgDoseBatch rows (insertDosesPG).
func insertDoses(tx *gorm.DB, rows []doseRow, now time.Time) error {
	if store.IsPostgres(tx) {
		return insertDosesPG(tx, rows, now)
	}
	return insertDosesEach(tx, rows, now)
}

// insertDosesEach is insertDoses statement by statement, per insertBatch rows.
func insertDosesEach(tx *gorm.DB, rows []doseRow, now time.Time) error {
	for len(rows) > 0 {
		n := min(len(rows), insertBatch)
		ids, err := insertChunk(tx, rows[:n], now)
		if err != nil {
			return err
		}
		if err := appendHistory(tx, System, now, sameChange(ids, "", store.HistScheduled, "")); err != nil {
			return err
		}
		if err := excludeNew(tx, ids, now); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

func insertChunk(tx *gorm.DB, rows []doseRow, now time.Time) ([]int64, error) {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO dose_instances (patient_id, regimen_id, version_id, nominal_date, slot, scheduled_at,
		local_date, local_time, state, created_at, updated_at) VALUES `)
	args := make([]any, 0, len(rows)*11)
	for i, r := range rows {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?,?,?,?,?,?,?,?,?)")
		args = append(args, r.PatientID, r.RegimenID, r.VersionID, r.NominalDate, r.Slot, r.At, r.LocalDate, r.LocalTime,
			store.DosePending, now, now)
	}
	sb.WriteString(` ON CONFLICT (version_id, nominal_date, slot) WHERE slot IS NOT NULL DO NOTHING RETURNING id`)
	var ids []int64
	return ids, rawScan(tx, &ids, sb.String(), args...)
}
