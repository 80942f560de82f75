package schedule

import (
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// skipLocked is appended to a claim's inner SELECT. On Postgres concurrent
// replicas skip each other's rows; SQLite has one writer, so a plain
// UPDATE ... RETURNING in a transaction already claims exclusively.
// NO KEY UPDATE, not UPDATE: a claim never changes a key, and a FOR UPDATE
// lock also blocks the FOR KEY SHARE lock that a foreign-key check takes
// when another transaction inserts a row pointing at the claimed one (an
// outbox or history row for a dose), which is how two jobs deadlock.
func skipLocked(db *gorm.DB) string {
	if store.IsPostgres(db) {
		return " FOR NO KEY UPDATE SKIP LOCKED"
	}
	return ""
}

// plusMinutes is the SQL for instant col + minutes expr, per dialect (SQLite
// compares the stored text through julianday).
func plusMinutesLE(db *gorm.DB, col, minutes string) string {
	if store.IsPostgres(db) {
		return col + " + " + minutes + " * interval '1 minute' <= ?"
	}
	return "julianday(" + col + ") + " + minutes + " / 1440.0 <= julianday(?) + 1e-9" // float days: allow ~0.1 ms
}

// plusSecondsLT is the SQL for instant col + seconds expr < ?.
func plusSecondsLT(db *gorm.DB, col, seconds string) string {
	if store.IsPostgres(db) {
		return col + " + " + seconds + " * interval '1 second' < ?"
	}
	return "julianday(" + col + ") + " + seconds + " / 86400.0 < julianday(?)"
}

// rawScan is tx.Raw(sql, args...).Scan(dest) without GORM's statement
// recorder: Scan renders every statement with its parameters inlined (a
// regular expression pass over each of them) even when nothing logs, which
// cost the expansion a quarter of its CPU on statements of thousands of
// parameters. Rows goes through the configured (discarding) logger.
func rawScan(tx *gorm.DB, dest any, sql string, args ...any) error {
	rows, err := tx.Raw(sql, args...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		if err := tx.ScanRows(rows, dest); err != nil {
			return err
		}
	}
	return rows.Err()
}
