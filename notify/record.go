package notify

import (
	"context"
	"strings"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// recordAll records a Tick's outcomes in one transaction: one commit per
// batch instead of one per row is what lets a replica record thousands of
// sends a second. If the commit fails, the rows stay "sending" and come
// back after the lease (the at-least-once window in doc.go).
func (d *Dispatcher) recordAll(ctx context.Context, rows []store.Notification, outs []outcome) (Stats, error) {
	st := Stats{Claimed: len(rows)}
	err := d.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var sent []int
		for i, row := range rows {
			if d.beforeRecord != nil && d.beforeRecord(row) != nil {
				continue // simulated crash: nothing recorded for this row
			}
			if outs[i].state == outcomeSent && outs[i].reason == "" {
				sent = append(sent, i) // the common case, written in one statement below
				continue
			}
			if err := d.record(tx, row, outs[i]); err != nil {
				return err
			}
			st.count(outs[i].state)
		}
		n, err := d.recordSent(tx, rows, outs, sent)
		st.Sent += n
		return err
	})
	if err != nil {
		return Stats{Claimed: len(rows)}, err
	}
	return st, nil
}

// recordSent marks the rows at idx sent in one UPDATE, each fenced by its
// (id, attempts) like record.
func (d *Dispatcher) recordSent(tx *gorm.DB, rows []store.Notification, outs []outcome, idx []int) (int, error) {
	if len(idx) == 0 {
		return 0, nil
	}
	var cases, fence strings.Builder
	args := make([]any, 0, 4*len(idx)+1)
	for k, i := range idx {
		cases.WriteString(" WHEN ? THEN ?")
		args = append(args, rows[i].ID, outs[i].providerID)
		if k > 0 {
			fence.WriteString(",")
		}
		fence.WriteString("(?,?)")
	}
	args = append(args, d.Clock.Now())
	for _, i := range idx {
		args = append(args, rows[i].ID, rows[i].Attempts)
	}
	res := tx.Exec("UPDATE notifications SET state = 'sent', lease_until = NULL, last_error = '', provider_id = CASE id"+
		cases.String()+" END, sent_at = ? WHERE state = 'sending' AND (id, attempts) IN ("+fence.String()+")", args...)
	if res.Error == nil && int(res.RowsAffected) < len(idx) {
		d.Logger.Warn("notify: lease lost before record; the newer claim decides", "rows", len(idx)-int(res.RowsAffected))
	}
	return int(res.RowsAffected), res.Error
}

// record is the last stage: it writes the outcome onto the row, but only
// while the row is still this worker's claim (state sending, same
// attempts). If the lease ran out and another worker reclaimed the row,
// the update matches nothing and the newer claim's outcome stands.
func (d *Dispatcher) record(tx *gorm.DB, row store.Notification, o outcome) error {
	now := d.Clock.Now()
	set := map[string]any{"lease_until": nil, "provider_id": o.providerID, "last_error": truncate(o.reason, 500)}
	switch o.state {
	case outcomeSent:
		set["state"], set["sent_at"] = store.NotifySent, now
	case outcomeRetry:
		set["state"], set["not_before"] = store.NotifyPending, o.notBefore
	case outcomeDeferred:
		// Quiet hours are not a failed attempt: give the attempt back.
		set["state"], set["not_before"], set["attempts"] = store.NotifyPending, o.notBefore, gorm.Expr("attempts - 1")
		set["last_error"] = row.LastError
	case outcomeWaiting:
		// Nor is a provider outage; the reason says what it waits for.
		set["state"], set["not_before"], set["attempts"] = store.NotifyPending, o.notBefore, gorm.Expr("attempts - 1")
	default:
		set["state"] = store.NotifyDead
	}
	res := tx.Model(&store.Notification{}).
		Where("id = ? AND state = ? AND attempts = ?", row.ID, store.NotifySending, row.Attempts).Updates(set)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		d.Logger.Warn("notify: lease lost before record; the newer claim decides", "notification_id", row.ID)
		return nil
	}
	if o.state == outcomeFallback {
		return enqueueFallback(tx, row, now)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
