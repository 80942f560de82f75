package schedule

import (
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// pgDoseBatch bounds one insertDosesPG statement (its columns travel as
// arrays, so no parameter limit applies; this only bounds its size).
const pgDoseBatch = 10000

// insertDosesPGSQL writes doses, their absence exclusion and their history
// in one round trip: the columns arrive as arrays (unnest), each new dose
// is excluded as it is written when an absence of its patient covers its
// instant (the absence excludeNew would pick: the first by id), and every
// inserted dose gets its "scheduled" history row, then each excluded one
// its "excluded" row, in dose order, as insertDoses writes them on SQLite.
const insertDosesPGSQL = `WITH v AS (
	SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::int[], ?::timestamptz[], ?::text[], ?::text[])
		WITH ORDINALITY AS v(patient_id, regimen_id, version_id, nominal_date, slot, scheduled_at, local_date, local_time, ord)),
ins AS (
	INSERT INTO dose_instances (patient_id, regimen_id, version_id, nominal_date, slot, scheduled_at, local_date, local_time,
		state, created_at, updated_at, excluded, absence_id)
	SELECT v.patient_id, v.regimen_id, v.version_id, v.nominal_date, v.slot, v.scheduled_at, v.local_date, v.local_time,
		?, ?, ?, a.id IS NOT NULL, a.id
	FROM v LEFT JOIN LATERAL (SELECT a.id FROM patient_absences a WHERE a.patient_id = v.patient_id
		AND a.starts_at <= v.scheduled_at AND a.ends_at > v.scheduled_at ORDER BY a.id LIMIT 1) a ON true
	ORDER BY v.ord
	ON CONFLICT (version_id, nominal_date, slot) WHERE slot IS NOT NULL DO NOTHING
	RETURNING id, absence_id)
INSERT INTO dose_history (dose_id, from_state, to_state, at, source, reason)
SELECT id, '', to_state, ?, ?, reason FROM (
	SELECT id, 0 AS k, ?::text AS to_state, '' AS reason FROM ins
	UNION ALL SELECT id, 1, ?::text, ?::text FROM ins WHERE absence_id IS NOT NULL) h
ORDER BY k, id`

// insertDosesPG is insertDoses on Postgres: one statement per pgDoseBatch rows.
func insertDosesPG(tx *gorm.DB, rows []doseRow, now time.Time) error {
	for len(rows) > 0 {
		n := min(len(rows), pgDoseBatch)
		if err := tx.Exec(insertDosesPGSQL, doseColumns(rows[:n], now)...).Error; err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// doseColumns are insertDosesPGSQL's parameters for rows.
func doseColumns(rows []doseRow, now time.Time) []any {
	n := len(rows)
	pat, reg, ver := make([]int64, n), make([]int64, n), make([]int64, n)
	nominal, local, clock := make([]string, n), make([]string, n), make([]string, n)
	slot, at := make([]int64, n), make([]time.Time, n)
	for i, r := range rows {
		pat[i], reg[i], ver[i], slot[i], at[i] = r.PatientID, r.RegimenID, r.VersionID, int64(r.Slot), r.At
		nominal[i], local[i], clock[i] = r.NominalDate, r.LocalDate, r.LocalTime
	}
	return []any{store.Array(pat), store.Array(reg), store.Array(ver), store.Array(nominal), store.Array(slot),
		store.Array(at), store.Array(local), store.Array(clock), store.DosePending, now, now,
		now.UTC(), System.Source, store.HistScheduled, store.HistExcluded, reasonInsideAbsence}
}
