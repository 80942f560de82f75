package schedule

import (
	"fmt"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// reasonGrace is the history reason of a dose the sweep marks missed.
const reasonGrace = "grace period passed"

// sweepPGSQL is one batch of the sweep in one round trip (Postgres): claim
// the overdue pending doses (SKIP LOCKED), mark them missed, append their
// history rows, and open an alert on the default ladder for every dose that
// gets one (not during an outage, not in hospital, its patient without a
// policy of their own), non-critical first as openMissedAlerts does. It
// returns every missed dose, with the facts of those whose patient has a
// ladder of their own (their alerts are opened row by row afterwards).
var sweepPGSQL = `WITH claimed AS (
	SELECT d.id FROM dose_instances d JOIN regimens r ON r.id = d.regimen_id
	WHERE d.state = 'pending' AND d.scheduled_at <= ? AND d.scheduled_at + r.grace_min * interval '1 minute' <= ?
	ORDER BY d.scheduled_at LIMIT ? FOR NO KEY UPDATE OF d SKIP LOCKED),
missed AS (
	UPDATE dose_instances SET state = 'missed', missed_at = ?, updated_at = ?, during_outage = during_outage OR ` + duringOutageSQL + `
	FROM claimed WHERE dose_instances.id = claimed.id
	RETURNING dose_instances.id, dose_instances.patient_id, dose_instances.regimen_id, dose_instances.absence_id,
		dose_instances.during_outage),
hist AS (
	INSERT INTO dose_history (dose_id, from_state, to_state, at, source, reason)
	SELECT id, ?, ?, ?, ?, ? FROM missed ORDER BY id),
due AS (
	SELECT m.id, m.patient_id, r.critical, p.escalation_policy FROM missed m
	JOIN regimens r ON r.id = m.regimen_id JOIN patients p ON p.id = m.patient_id
	WHERE NOT m.during_outage AND NOT ` + fmt.Sprintf(hospitalSQL, "m") + `),
opened AS (
	INSERT INTO alerts (patient_id, kind, dose_id, critical, opened_at, next_step, next_at)
	SELECT patient_id, ?, id, critical, ?, CASE WHEN critical THEN ?::int ELSE ?::int END,
		CASE WHEN critical THEN ?::timestamptz ELSE ?::timestamptz END
	FROM due WHERE escalation_policy = '' ORDER BY critical, id
	ON CONFLICT (dose_id) DO NOTHING)
SELECT m.id, d.patient_id, COALESCE(d.critical, false) AS critical, COALESCE(d.escalation_policy, '') AS escalation_policy
FROM missed m LEFT JOIN due d ON d.id = m.id AND d.escalation_policy <> ''`

// sweepBatchPG is sweepBatch on Postgres: one statement (sweepPGSQL), then
// the alerts of patients with a ladder of their own.
func sweepBatchPG(tx *gorm.DB, now time.Time, batch int) (int, error) {
	step, at := firstStep(DefaultPolicy, false, now)
	critStep, critAt := firstStep(DefaultPolicy, true, now)
	var rows []customFacts
	if err := rawScan(tx, &rows, sweepPGSQL, now, now, batch, now, now,
		store.DosePending, store.DoseMissed, now.UTC(), System.Source, reasonGrace,
		store.AlertMissedDose, now, critStep, step, critAt, at); err != nil || len(rows) == 0 {
		return 0, err
	}
	var custom []customFacts
	for _, r := range rows {
		if r.EscalationPolicy != "" {
			custom = append(custom, r)
		}
	}
	return len(rows), openCustom(tx, custom, now)
}
