package dispenser

import (
	"strings"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// insertEvents inserts the batch, each take with its match, in one
// statement; rows that already exist (a retry) are skipped by ON CONFLICT
// and missing from the returned map of device event id -> dose_events.id.
// On Postgres the same statement advances dispensers.last_seq.
func insertEvents(tx *gorm.DB, b *batch, matches map[string]eventMatch, now time.Time) (map[string]int64, error) {
	pg := store.IsPostgres(tx)
	var sb strings.Builder
	args := make([]any, 0, len(b.events)*11+3)
	if pg && b.maxSeq > 0 {
		sb.WriteString("WITH seq AS (UPDATE dispensers SET last_seq = ? WHERE id = ? AND last_seq < ?), ins AS (")
		args = append(args, b.maxSeq, b.d.ID, b.maxSeq)
	}
	sb.WriteString(`INSERT INTO dose_events (dispenser_id, device_event_id, type, occurred_at, received_at,
		compartment, quantity, seq, details, dose_id, flag) VALUES `)
	for i, ev := range b.events {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?,?,?,?,?,?,?,?,?)")
		m := matches[ev.ID]
		var doseID any
		if m.DoseID != 0 {
			doseID = m.DoseID
		}
		args = append(args, b.d.ID, ev.ID, ev.Type, ev.OccurredAt, now, ptr(ev.Compartment), ptr(ev.Quantity), ptr(ev.Seq),
			ev.Details, doseID, m.Flag)
	}
	sb.WriteString(" ON CONFLICT (dispenser_id, device_event_id) DO NOTHING RETURNING id, device_event_id")
	if pg && b.maxSeq > 0 {
		sb.WriteString(") SELECT id, device_event_id FROM ins")
	}
	rows, err := tx.Raw(sb.String(), args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make(map[string]int64, len(b.events))
	for rows.Next() {
		var id int64
		var devID string
		if err := rows.Scan(&id, &devID); err != nil {
			return nil, err
		}
		ids[devID] = id
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !pg && b.maxSeq > 0 {
		err = tx.Exec("UPDATE dispensers SET last_seq = ? WHERE id = ? AND last_seq < ?", b.maxSeq, b.d.ID, b.maxSeq).Error
	}
	return ids, err
}

// ptr turns a nil pointer into an untyped nil parameter and dereferences the rest.
func ptr[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// linkEvents sets dose_id and flag of the matched events in one statement.
func linkEvents(tx *gorm.DB, pg bool, events []eventMatch) error {
	if len(events) == 0 {
		return nil
	}
	ids := make([]int64, len(events))
	doseID, flag := store.NewCaseByID(pg), store.NewCaseByID(pg)
	for i, em := range events {
		ids[i] = em.RowID
		var d any
		if em.DoseID != 0 {
			d = em.DoseID
		}
		doseID.When(em.RowID, d, "bigint")
		flag.When(em.RowID, em.Flag, "text")
	}
	sql := "UPDATE dose_events SET dose_id = " + doseID.SQL() + ", flag = " + flag.SQL() + " WHERE id IN ?"
	return tx.Exec(sql, append(append(doseID.Args, flag.Args...), ids)...).Error
}
