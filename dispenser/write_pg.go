package dispenser

import (
	"time"

	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// writeHead inserts the events (each take with its match; a retry's rows
// are skipped by ON CONFLICT), advances dispensers.last_seq, and turns the
// plan (one row per matched take: the event, its dose, the state the dose
// was read in, taken or taken twice) into src, one row per dose, counting
// only the events stored now.
const writeHead = writeEvents + `,
	plan AS (SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[], ?::boolean[], ?::timestamptz[], ?::boolean[])
		AS p(event_id, dose_id, from_state, take, at, on_time)),
	src AS (SELECT p.dose_id, min(p.from_state) AS from_state, bool_or(p.take) AS take, bool_or(NOT p.take) AS dbl,
			max(p.at) FILTER (WHERE p.take) AS at, bool_or(p.on_time) FILTER (WHERE p.take) AS on_time
		FROM plan p JOIN ins ON ins.device_event_id = p.event_id GROUP BY p.dose_id ORDER BY p.dose_id),
	`

// writeEventsOnly is the statement of a batch whose takes matched no dose.
const writeEventsOnly = writeEvents + ` SELECT id, device_event_id FROM ins`

// writeEvents inserts the events and advances dispensers.last_seq.
const writeEvents = `WITH ins AS (INSERT INTO dose_events (dispenser_id, device_event_id, type, occurred_at, received_at,
			compartment, quantity, seq, details, dose_id, flag)
		SELECT ?, id, type, at, ?, comp, qty, seq, details, NULLIF(dose, 0), flag
		FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::integer[], ?::double precision[], ?::bigint[], ?::text[],
			?::bigint[], ?::text[]) AS e(id, type, at, comp, qty, seq, details, dose, flag)
		ON CONFLICT (dispenser_id, device_event_id) DO NOTHING RETURNING id, device_event_id),
	last_seq AS (UPDATE dispensers SET last_seq = ? WHERE id = ? AND last_seq < ?)`

// writeTail checks the plan held (every planned dose changed, every
// planned take stored now) before answering: otherwise ingest_plan_holds
// aborts the statement, and nothing of it is written.
const writeTail = `,
	ok AS MATERIALIZED (SELECT ingest_plan_holds((SELECT count(*) FROM upd) = (SELECT count(*) FROM src)
		AND NOT EXISTS (SELECT 1 FROM plan WHERE take AND event_id NOT IN (SELECT device_event_id FROM ins))) AS ok)
	SELECT ins.id, ins.device_event_id FROM ok LEFT JOIN ins ON true`

// writeBatchPG stores batch b as planned in one statement (atomic on its
// own, or part of the caller's transaction) and returns device event id ->
// dose_events.id of the events stored now. A plan that no longer holds is
// a serialization failure (retryable).
func writeBatchPG(tx *gorm.DB, b *batch, p *plan, now time.Time) (map[string]int64, error) {
	args := append(eventArgs(b, p.out.byEvent(), now), b.maxSeq, b.d.ID, b.maxSeq)
	sql := writeEventsOnly
	if pa := planArgs(p); pa != nil {
		// Only a statement that may change doses names them: an UPDATE of
		// dose_instances fires its statement triggers (the rollup's) even
		// when it changes no row.
		changes, cargs := schedule.DeviceChangesPG("src", b.d.ID, now)
		sql, args = writeHead+changes+writeTail, append(append(args, pa...), cargs...)
	}
	rows, err := tx.Raw(sql, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make(map[string]int64, len(b.events))
	for rows.Next() {
		var id *int64
		var devID *string
		if err := rows.Scan(&id, &devID); err != nil {
			return nil, err
		}
		if id != nil {
			ids[*devID] = *id
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return ids, rows.Close()
}

// eventArgs are the insert's parameters: the dispenser, the time received
// and one array per column.
func eventArgs(b *batch, matches map[string]eventMatch, now time.Time) []any {
	n := len(b.events)
	ids, types, at, details, dose, flag := make([]string, n), make([]string, n), make([]time.Time, n),
		make([]string, n), make([]int64, n), make([]string, n)
	comp, qty, seq := make([]*int, n), make([]*float64, n), make([]*int64, n)
	for i, ev := range b.events {
		m := matches[ev.ID]
		ids[i], types[i], at[i], details[i], dose[i], flag[i] = ev.ID, ev.Type, ev.OccurredAt, ev.Details, m.DoseID, m.Flag
		comp[i], qty[i], seq[i] = ev.Compartment, ev.Quantity, ev.Seq
	}
	return []any{b.d.ID, now, store.Array(ids), store.Array(types), store.Array(at), store.Array(comp), store.Array(qty),
		store.Array(seq), store.Array(details), store.Array(dose), store.Array(flag)}
}

// planArgs are the plan's arrays: one row per matched take event (nil
// when no take matched a dose).
func planArgs(p *plan) []any {
	var events, from []string
	var doses []int64
	var take, onTime []bool
	var at []time.Time
	for _, em := range p.out.events {
		if em.DoseID == 0 {
			continue
		}
		t, taken := p.out.taken[em.DoseID]
		taken = taken && em.Flag == ""
		events, doses, from = append(events, em.ID), append(doses, em.DoseID), append(from, p.from[em.DoseID])
		take, at, onTime = append(take, taken), append(at, t.At.UTC()), append(onTime, t.OnTime)
	}
	if len(events) == 0 {
		return nil
	}
	return []any{store.Array(events), store.Array(doses), store.Array(from), store.Array(take), store.Array(at), store.Array(onTime)}
}
