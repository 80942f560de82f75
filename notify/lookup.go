package notify

import (
	"context"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// recipientSQL loads what rendering and quiet hours need for a batch of
// recipients in one query. The zone is the patient's own when the
// recipient is a patient, else the clinic's.
const recipientSQL = `SELECT u.id, u.name, u.locale, u.quiet_start, u.quiet_end, u.lock_screen_private,
  COALESCE(p.time_zone, c.time_zone) AS zone, u.disabled_at IS NOT NULL AS disabled
FROM users u JOIN clinics c ON c.id = u.clinic_id LEFT JOIN patients p ON p.user_id = u.id
WHERE u.id IN ?`

// loadRecipients returns the recipients of rows by user id.
func loadRecipients(ctx context.Context, db *gorm.DB, rows []store.Notification) (map[int64]Recipient, error) {
	ids := recipientIDs(rows)
	var rs []Recipient
	if err := db.WithContext(ctx).Raw(recipientSQL, ids).Scan(&rs).Error; err != nil {
		return nil, err
	}
	out := make(map[int64]Recipient, len(rs))
	for _, r := range rs {
		out[r.ID] = r
	}
	return out, nil
}

// loadTargets returns the enabled push tokens of the recipients of push rows.
func loadTargets(ctx context.Context, db *gorm.DB, rows []store.Notification) (map[int64][]Target, error) {
	var ids []int64
	for _, r := range rows {
		if r.Channel == ChannelPush {
			ids = append(ids, r.RecipientID)
		}
	}
	out := map[int64][]Target{}
	if len(ids) == 0 {
		return out, nil
	}
	var toks []store.PushToken
	err := db.WithContext(ctx).Where("user_id IN ? AND disabled_at IS NULL", ids).Order("id").Find(&toks).Error
	for _, t := range toks {
		out[t.UserID] = append(out[t.UserID], Target{TokenID: t.ID, Token: t.Token, Platform: t.Platform})
	}
	return out, err
}

func recipientIDs(rows []store.Notification) []int64 {
	seen := map[int64]bool{}
	var ids []int64
	for _, r := range rows {
		if !seen[r.RecipientID] {
			seen[r.RecipientID] = true
			ids = append(ids, r.RecipientID)
		}
	}
	return ids
}
