package seed_test

import (
	"testing"

	"github.com/doseloop/doseloop/seed"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// History gives every scheduled demo regimen its days of decided doses, a
// spread of adherence, and writes nothing new the second time.
func TestHistoryIsPlausibleAndIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx, now := seedDemo(t, db)
		var states []struct {
			State string
			N     int64
		}
		db.Model(&store.DoseInstance{}).Select("state, COUNT(*) AS n").Group("state").Scan(&states)
		by := map[string]int64{}
		var total int64
		for _, s := range states {
			by[s.State], total = s.N, total+s.N
		}
		if total < 12*30 || by["taken"] < total*6/10 || by["missed"] == 0 || by["skipped"] == 0 || by["pending"] != 0 {
			t.Fatalf("dose states %v", by)
		}
		var alerts int64
		db.Model(&store.Alert{}).Where("acknowledged_by IS NOT NULL").Count(&alerts)
		if alerts == 0 {
			t.Error("no acknowledged escalation for missed critical doses")
		}
		var unversioned, hist int64
		db.Model(&store.DoseInstance{}).Where("version_id IS NULL OR slot IS NULL").Count(&unversioned)
		db.Model(&store.DoseHistory{}).Count(&hist)
		if unversioned != 0 || hist != 2*total {
			t.Fatalf("%d doses without version or slot; %d history rows for %d doses", unversioned, hist, total)
		}
		var allAlerts, again, alertsAgain int64
		db.Model(&store.Alert{}).Count(&allAlerts)
		if err := seed.History(ctx, db, now); err != nil {
			t.Fatal(err)
		}
		db.Model(&store.DoseInstance{}).Count(&again)
		db.Model(&store.Alert{}).Count(&alertsAgain)
		var histAgain int64
		db.Model(&store.DoseHistory{}).Count(&histAgain)
		if again != total || alertsAgain != allAlerts || histAgain != hist {
			t.Errorf("second run: %d doses (was %d), %d alerts (was %d)", again, total, alertsAgain, allAlerts)
		}
	})
}
