package notify

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Delivery is one notification sent (or being sent) for an alert, as the
// caregiver's alert list and the physician's patient view show it.
type Delivery struct {
	NotificationID int64      `json:"notification_id"`
	AlertID        int64      `json:"alert_id"`
	RecipientID    int64      `json:"recipient_id"`
	Channel        string     `json:"channel"`
	Kind           string     `json:"kind"`
	State          string     `json:"state"` // pending, sending, sent, dead
	Attempts       int        `json:"attempts"`
	CreatedAt      time.Time  `json:"created_at"`
	SentAt         *time.Time `json:"sent_at,omitempty"`
	// ToLog is true when the message only went to the server log because
	// no push provider is configured: not a real delivery.
	ToLog bool `json:"to_log"`
	// Error is the dead-letter reason or the last retryable error.
	Error string `json:"error,omitempty"`
}

// DeliveryStatus returns the deliveries of each alert in alertIDs, oldest
// first. The caller has already checked the reader may see these alerts;
// this reads no patient data beyond the ids given.
func DeliveryStatus(ctx context.Context, db *gorm.DB, alertIDs []int64) (map[int64][]Delivery, error) {
	out := map[int64][]Delivery{}
	if len(alertIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		Delivery
		ProviderID string
		LastError  string
	}
	err := db.WithContext(ctx).Table("notifications").
		Select("id AS notification_id, alert_id, recipient_id, channel, kind, state, attempts, created_at, sent_at, provider_id, last_error").
		Where("alert_id IN ?", alertIDs).Order("created_at, id").Scan(&rows).Error
	for _, r := range rows {
		d := r.Delivery
		d.ToLog = len(r.ProviderID) >= 4 && r.ProviderID[:4] == "log:"
		d.Error = r.LastError
		out[d.AlertID] = append(out[d.AlertID], d)
	}
	return out, err
}
