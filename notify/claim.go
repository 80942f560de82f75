package notify

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// claimSQL takes up to @n due rows: pending rows whose not_before has come,
// and sending rows whose lease ran out (their worker died mid-send). Each
// claim bumps attempts, which doubles as a fencing token: record only
// updates a row whose attempts still match, so a worker that lost its
// lease cannot overwrite the outcome of the worker that reclaimed it.
const claimSQL = `UPDATE notifications SET state = 'sending', lease_until = @lease, attempts = attempts + 1
WHERE id IN (
  SELECT id FROM notifications
  WHERE state IN ('pending','sending') AND not_before <= @now
    AND (state = 'pending' OR lease_until < @now)
  ORDER BY not_before, id
  LIMIT @n%s)
RETURNING *`

// Claim leases up to n due outbox rows for lease. On Postgres the inner
// SELECT uses FOR UPDATE SKIP LOCKED, so any number of replicas claim
// disjoint rows; SQLite has one writer, so a plain UPDATE ... RETURNING in
// an (immediate) transaction is safe.
func Claim(ctx context.Context, db *gorm.DB, now time.Time, lease time.Duration, n int) ([]store.Notification, error) {
	lock := ""
	if store.IsPostgres(db) {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	q := fmt.Sprintf(claimSQL, lock)
	var rows []store.Notification
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return tx.Raw(q, map[string]any{"lease": now.Add(lease), "now": now, "n": n}).Scan(&rows).Error
	})
	// RETURNING comes back in whatever order Postgres updated the rows; send
	// in the claim's order, so a backlog (after a provider outage) goes out
	// oldest first.
	slices.SortFunc(rows, func(a, b store.Notification) int {
		return cmp.Or(a.NotBefore.Compare(b.NotBefore), cmp.Compare(a.ID, b.ID))
	})
	return rows, err
}
