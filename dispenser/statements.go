package dispenser

import (
	"strings"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// insertEvents inserts the batch in one statement; rows that already exist
// (a retry) are skipped by ON CONFLICT and missing from the returned map of
// device event id -> dose_events.id.
func insertEvents(tx *gorm.DB, dispenserID int64, events []Event, now time.Time) (map[string]int64, error) {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO dose_events (dispenser_id, device_event_id, type, occurred_at, received_at,
		compartment, quantity, seq, details, flag) VALUES `)
	args := make([]any, 0, len(events)*9)
	for i, ev := range events {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?,?,?,?,?,?,?,'')")
		args = append(args, dispenserID, ev.ID, ev.Type, ev.OccurredAt, now, ptr(ev.Compartment), ptr(ev.Quantity), ptr(ev.Seq), ev.Details)
	}
	sb.WriteString(" ON CONFLICT (dispenser_id, device_event_id) DO NOTHING RETURNING id, device_event_id")
	rows, err := tx.Raw(sb.String(), args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := make(map[string]int64, len(events))
	for rows.Next() {
		var id int64
		var devID string
		if err := rows.Scan(&id, &devID); err != nil {
			return nil, err
		}
		ids[devID] = id
	}
	return ids, rows.Err()
}

// ptr turns a nil pointer into an untyped nil parameter and dereferences the rest.
func ptr[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// applyOutcome writes a match outcome with one statement per kind of change:
// doses taken, doses taken twice, event links and flags, alerts closed.
func applyOutcome(tx *gorm.DB, out *matchOutcome, now time.Time) error {
	pg := store.IsPostgres(tx)
	if len(out.taken) > 0 {
		ids := make([]int64, 0, len(out.taken))
		at, onTime := caseExpr(pg), caseExpr(pg)
		for id, t := range out.taken {
			ids = append(ids, id)
			at.when(id, t.At, "timestamptz")
			onTime.when(id, t.OnTime, "boolean")
		}
		sql := "UPDATE dose_instances SET state = 'taken', source = 'dispenser', dispenser_reported = ?, updated_at = ?, " +
			"taken_at = " + at.sql() + ", on_time = " + onTime.sql() + " WHERE id IN ?"
		args := append(append(append([]any{true, now}, at.args...), onTime.args...), ids)
		if err := tx.Exec(sql, args...).Error; err != nil {
			return err
		}
		if err := tx.Exec(`UPDATE alerts SET closed_at = ?, close_reason = 'dose_recorded'
			WHERE dose_id IN ? AND closed_at IS NULL`, now, ids).Error; err != nil {
			return err
		}
	}
	if len(out.doubled) > 0 {
		ids := make([]int64, 0, len(out.doubled))
		for id := range out.doubled {
			ids = append(ids, id)
		}
		if err := tx.Exec("UPDATE dose_instances SET double_dose = ?, updated_at = ? WHERE id IN ?", true, now, ids).Error; err != nil {
			return err
		}
	}
	return linkEvents(tx, pg, out.events)
}

// linkEvents sets dose_id and flag of the matched events in one statement.
func linkEvents(tx *gorm.DB, pg bool, events []eventMatch) error {
	if len(events) == 0 {
		return nil
	}
	ids := make([]int64, len(events))
	doseID, flag := caseExpr(pg), caseExpr(pg)
	for i, em := range events {
		ids[i] = em.RowID
		var d any
		if em.DoseID != 0 {
			d = em.DoseID
		}
		doseID.when(em.RowID, d, "bigint")
		flag.when(em.RowID, em.Flag, "text")
	}
	sql := "UPDATE dose_events SET dose_id = " + doseID.sql() + ", flag = " + flag.sql() + " WHERE id IN ?"
	return tx.Exec(sql, append(append(doseID.args, flag.args...), ids)...).Error
}

// caseBuilder builds "CASE id WHEN ? THEN ? ... END", with Postgres casts so
// an untyped parameter gets the column's type.
type caseBuilder struct {
	pg   bool
	sb   strings.Builder
	args []any
}

func caseExpr(pg bool) *caseBuilder {
	b := &caseBuilder{pg: pg}
	b.sb.WriteString("CASE id")
	return b
}

func (b *caseBuilder) when(id int64, v any, pgType string) {
	if b.pg {
		b.sb.WriteString(" WHEN ? THEN CAST(? AS " + pgType + ")")
	} else {
		b.sb.WriteString(" WHEN ? THEN ?")
	}
	b.args = append(b.args, id, v)
}

func (b *caseBuilder) sql() string { return b.sb.String() + " END" }
