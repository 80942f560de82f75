package notify

import (
	"context"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// record is the last stage: it writes the outcome onto the row, but only
// while the row is still this worker's claim (state sending, same
// attempts). If the lease ran out and another worker reclaimed the row,
// the update matches nothing and the newer claim's outcome stands.
func (d *Dispatcher) record(ctx context.Context, row store.Notification, o outcome) error {
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
	default:
		set["state"] = store.NotifyDead
	}
	res := d.DB.WithContext(ctx).Model(&store.Notification{}).
		Where("id = ? AND state = ? AND attempts = ?", row.ID, store.NotifySending, row.Attempts).Updates(set)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		d.Logger.Warn("notify: lease lost before record; the newer claim decides", "notification_id", row.ID)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
