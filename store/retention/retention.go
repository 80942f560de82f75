// Package retention keeps the tables that grow forever at a bounded size
// where the law and the clinic allow it, by deleting rows older than a
// policy in small batches (each its own short transaction, so it never
// holds locks that ingest or the scheduler wait on).
//
// What is kept and why (README, "Data retention"):
//   - dose_instances: the clinical record, kept forever. Every hot query
//     reads it through (patient_id, scheduled_at) or the partial pending
//     index, so its size does not slow them (store/retention's plan test).
//   - dose_events: the devices' evidence behind the record, kept forever by
//     default; a policy may drop events older than it that matched no dose.
//   - notifications: delivery receipts; rows sent or dead longer ago than
//     the policy (default 180 days) are deleted. Pending rows never are.
//   - audit_log: who saw which patient; HIPAA asks for six years, so the
//     default deletes rows older than 2,192 days.
package retention

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Policy is how long each table keeps rows; zero keeps them forever.
type Policy struct {
	Notifications time.Duration
	Audit         time.Duration
	DoseEvents    time.Duration
}

// Default is the documented policy.
var Default = Policy{Notifications: 180 * 24 * time.Hour, Audit: 2192 * 24 * time.Hour}

// Result counts the rows deleted per table.
type Result struct {
	Notifications, Audit, DoseEvents int64
}

// batch is the rows one DELETE removes.
const batch = 5000

// Run applies p at now. It is idempotent and safe to run on several
// replicas at once (a row is deleted once; the others find nothing).
func Run(ctx context.Context, db *gorm.DB, p Policy, now time.Time) (Result, error) {
	var r Result
	var err error
	if p.Notifications > 0 {
		r.Notifications, err = drain(ctx, db, `SELECT id FROM notifications WHERE created_at < ? AND state IN ('sent', 'dead')`,
			"notifications", now.Add(-p.Notifications))
		if err != nil {
			return r, err
		}
	}
	if p.Audit > 0 {
		if err = anchorChains(ctx, db, now.Add(-p.Audit)); err != nil {
			return r, err
		}
		if r.Audit, err = drain(ctx, db, `SELECT id FROM audit_log WHERE at < ?`, "audit_log", now.Add(-p.Audit)); err != nil {
			return r, err
		}
	}
	if p.DoseEvents > 0 {
		r.DoseEvents, err = drain(ctx, db, `SELECT id FROM dose_events WHERE received_at < ? AND dose_id IS NULL`,
			"dose_events", now.Add(-p.DoseEvents))
	}
	return r, err
}

// drain deletes the rows pick selects, batch by batch, until none is left.
func drain(ctx context.Context, db *gorm.DB, pick, table string, cutoff time.Time) (int64, error) {
	var total int64
	for ctx.Err() == nil {
		res := db.WithContext(ctx).Exec("DELETE FROM "+table+" WHERE id IN ("+pick+" ORDER BY id LIMIT ?)", cutoff, batch)
		if res.Error != nil {
			return total, res.Error
		}
		total += res.RowsAffected
		if res.RowsAffected < batch {
			return total, nil
		}
	}
	return total, ctx.Err()
}

// anchorChains records, for every audit chain that is about to lose rows,
// the id and hash of the last row that will go, so the chain can still be
// verified from there (auth.VerifyChains). The anchor only moves forward.
func anchorChains(ctx context.Context, db *gorm.DB, cutoff time.Time) error {
	return db.WithContext(ctx).Exec(`INSERT INTO audit_chain_anchors (chain_key, through_id, hash)
		SELECT a.chain_key, a.id, a.hash FROM audit_log a
		WHERE a.hash <> '' AND a.id = (SELECT MAX(b.id) FROM audit_log b WHERE b.chain_key = a.chain_key AND b.at < ?)
		ON CONFLICT (chain_key) DO UPDATE SET through_id = excluded.through_id, hash = excluded.hash
		WHERE excluded.through_id > audit_chain_anchors.through_id`, cutoff).Error
}
