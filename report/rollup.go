package report

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// rollupCols are the rollup's columns; the instants as text, so that both
// dialects compare them as stored (SQLite keeps them as text).
const rollupCols = `patient_id, local_date, due, taken, on_time, missed, skipped,
	CAST(last_due_at AS TEXT) AS last_due, CAST(last_taken_at AS TEXT) AS last_taken`

// rollupDiffSQL is every day on which the rollup (adherence_days, days with
// nothing counted left out) and the same sums computed from the doses (the
// view adherence_days_computed, migration 00200) differ, in either direction.
var rollupDiffSQL = fmt.Sprintf(`SELECT patient_id, local_date FROM (
	SELECT %[1]s FROM adherence_days WHERE due <> 0 OR taken <> 0 OR on_time <> 0 OR missed <> 0 OR skipped <> 0
	EXCEPT SELECT %[1]s FROM adherence_days_computed) r
UNION
SELECT patient_id, local_date FROM (
	SELECT %[1]s FROM adherence_days_computed
	EXCEPT SELECT %[1]s FROM adherence_days) c
ORDER BY patient_id, local_date`, rollupCols)

// RollupDay names a patient's local day.
type RollupDay struct {
	PatientID int64
	LocalDate string
}

// VerifyRollup returns the days on which the patient list's rollup
// disagrees with the doses it sums; none when it is exact.
func VerifyRollup(ctx context.Context, db *gorm.DB) ([]RollupDay, error) {
	var out []RollupDay
	err := db.WithContext(ctx).Raw(rollupDiffSQL).Scan(&out).Error
	return out, err
}
