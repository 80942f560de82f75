package seed_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/seed"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// The demo starts with something that needs attention (open missed-dose
// escalations, a dispenser offline, low supply), every older miss has the
// escalation the scheduler would have run, and a second run adds nothing.
func TestAttentionIsSeededOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx, now := seedDemo(t, db)
		counts := func() [5]int64 {
			var c [5]int64
			db.Model(&store.Alert{}).Where("closed_at IS NULL AND kind = ?", store.AlertMissedDose).Count(&c[0])
			db.Model(&store.DispenserOutage{}).Where("ended_at IS NULL").Count(&c[1])
			db.Model(&store.DoseEvent{}).Where("type = ?", store.EventRefillLow).Count(&c[2])
			db.Model(&store.Alert{}).Count(&c[3])
			db.Model(&store.Notification{}).Count(&c[4])
			return c
		}
		for run := 0; run < 2; run++ {
			if err := seed.Attention(ctx, db, now); err != nil {
				t.Fatal(err)
			}
		}
		first := counts()
		if first[0] == 0 || first[1] != 1 || first[2] != 1 {
			t.Errorf("open escalations %d, dispensers offline %d, low-supply reports %d", first[0], first[1], first[2])
		}
		var unescalated int64
		db.Model(&store.DoseInstance{}).Where("state = 'missed' AND missed_at < ? AND id NOT IN (SELECT dose_id FROM alerts WHERE dose_id IS NOT NULL)", now.Add(-48*time.Hour)).Count(&unescalated)
		if unescalated != 0 {
			t.Errorf("%d older missed doses without an escalation", unescalated)
		}
		if err := seed.Attention(ctx, db, now); err != nil {
			t.Fatal(err)
		}
		if again := counts(); again != first {
			t.Errorf("a second run changed the counts %v -> %v", first, again)
		}
	})
}
