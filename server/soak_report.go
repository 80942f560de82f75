package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/doseloop/doseloop/dispenser/benchfleet"
	"gorm.io/gorm"
)

// settle waits (up to limit) for the replicas to finish what was due at
// end: a lag is not a miss, work never done is.
func settle(db *gorm.DB, end time.Time, limit time.Duration) {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if missedWork(db, end) == 0 {
			return
		}
	}
}

// missedWork counts doses past grace not flagged, alert steps due and not
// fired, and due escalation rows neither sent nor obsolete, at end - 10 min.
func missedWork(db *gorm.DB, end time.Time) int64 {
	u, f, s := missedParts(db, end)
	return u + f + s
}

// missedParts is missedWork per kind: unflagged doses, unfired steps, unsent rows.
func missedParts(db *gorm.DB, end time.Time) (unflagged, unfired, unsent int64) {
	due := end.Add(-10 * time.Minute)
	db.Raw(`SELECT count(*) FROM dose_instances d JOIN regimens r ON r.id = d.regimen_id
		WHERE d.state = 'pending' AND d.scheduled_at + make_interval(mins => r.grace_min) < ?`, due).Scan(&unflagged)
	db.Raw(`SELECT count(*) FROM alerts WHERE closed_at IS NULL AND next_at < ?`, due).Scan(&unfired)
	db.Raw(`SELECT count(*) FROM notifications WHERE channel = 'webhook' AND state <> 'sent'
		AND last_error <> 'obsolete' AND not_before < ?`, due).Scan(&unsent)
	return unflagged, unfired, unsent
}

// soakReport checks the database after the soak and prints the last line:
// events stored, acknowledged events missing, webhook escalations
// delivered more than once, and escalations that should have gone out but
// did not (missedWork).
func soakReport(ctx context.Context, db *gorm.DB, clinicID int64, l *soakLoad, h *soakHooks, restarts int, end time.Time, stdout io.Writer) error {
	st, err := benchfleet.Check(ctx, db, clinicID, l.acked, l.sent)
	if err != nil {
		return err
	}
	dups := 0
	for _, n := range h.got {
		dups += n - 1
	}
	var alerts int64
	db.Raw(`SELECT count(*) FROM alerts`).Scan(&alerts)
	u, f, s := missedParts(db, end)
	missed := u + f + s
	fmt.Fprintf(stdout, "soak detail: alerts=%d webhook_deliveries=%d posts=%d post_errors=%d double_dose=%d unmatched=%d unflagged=%d unfired=%d unsent=%d\n",
		alerts, len(h.got), l.posts, l.errors, st.Double, st.Unmatched, u, f, s)
	fmt.Fprintf(stdout, "soak: events=%d acked_lost=%d duplicate_alerts=%d missed_escalations=%d replica_restarts=%d p99_ingest_ms=%.1f\n",
		st.Stored, st.Lost, dups, missed, restarts, l.p99())
	if st.Lost != 0 || st.Duplicates != 0 || missed != 0 {
		return fmt.Errorf("lost %d, duplicated %d acknowledged events; %d missed escalations", st.Lost, st.Duplicates, missed)
	}
	return nil
}
