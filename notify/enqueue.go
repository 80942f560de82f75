package notify

import (
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// EnqueueChannels writes one outbox row per channel for the same message
// (an escalation that names push and webhook, say), in tx. Each row's
// dedupe key is n.DedupeKey + ":" + channel, so channels are delivered,
// retried and recorded independently and a retry of the writer inserts
// nothing new. It reports how many rows were inserted.
func EnqueueChannels(tx *gorm.DB, n store.Notification, p store.OutboxPayload, channels ...string) (int, error) {
	inserted := 0
	base := n.DedupeKey
	for _, ch := range channels {
		row := n
		row.ID = 0
		row.Channel = ch
		row.DedupeKey = base + ":" + ch
		ok, err := store.Enqueue(tx, &row, p)
		if err != nil {
			return inserted, err
		}
		if ok {
			inserted++
		}
	}
	return inserted, nil
}
