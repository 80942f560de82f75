package notify

import (
	"context"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// ReasonObsolete marks a row whose cause ended before it went out: its alert
// was closed (a caregiver acknowledged it, the dose was recorded, the
// dispenser came back) or the dose it reminds of was taken, skipped or
// cancelled. Sending it would alarm someone about a dose already handled.
const ReasonObsolete = "obsolete"

// loadObsolete returns the ids of rows that must not be sent any more. Rows
// that wait (retries, quiet hours) are checked again on every claim.
func loadObsolete(ctx context.Context, db *gorm.DB, rows []store.Notification) (map[int64]bool, error) {
	var alertIDs, doseIDs []int64
	for _, r := range rows {
		switch {
		case r.AlertID != nil:
			alertIDs = append(alertIDs, *r.AlertID)
		case r.DoseID != nil:
			doseIDs = append(doseIDs, *r.DoseID)
		}
	}
	closed, done := map[int64]bool{}, map[int64]bool{}
	if len(alertIDs) > 0 {
		var ids []int64
		if err := db.WithContext(ctx).Model(&store.Alert{}).Where("id IN ? AND closed_at IS NOT NULL", alertIDs).
			Pluck("id", &ids).Error; err != nil {
			return nil, err
		}
		for _, id := range ids {
			closed[id] = true
		}
	}
	if len(doseIDs) > 0 {
		var ids []int64
		if err := db.WithContext(ctx).Model(&store.DoseInstance{}).Where("id IN ? AND state IN ?", doseIDs,
			[]string{store.DoseTaken, store.DoseSkipped, store.DoseCancelled}).Pluck("id", &ids).Error; err != nil {
			return nil, err
		}
		for _, id := range ids {
			done[id] = true
		}
	}
	out := map[int64]bool{}
	for _, r := range rows {
		if (r.AlertID != nil && closed[*r.AlertID]) || (r.AlertID == nil && r.DoseID != nil && done[*r.DoseID]) {
			out[r.ID] = true
		}
	}
	return out, nil
}
