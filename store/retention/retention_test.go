package retention_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/retention"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

var now = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// The policy deletes exactly the rows past it: delivered or dead
// notifications older than 180 days (never a pending one), audit rows older
// than six years; dose events and doses stay unless a policy names them.
func TestRunDeletesOnlyWhatThePolicyNames(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		w := storetest.NewWorld(t, db, "ret", now)
		old, recent := now.AddDate(0, 0, -200), now.AddDate(0, 0, -10)
		for i, n := range []struct {
			state string
			at    time.Time
		}{{"sent", old}, {"dead", old}, {"pending", old}, {"sent", recent}} {
			must(t, db.Create(&store.Notification{DedupeKey: fmt.Sprintf("k%d", i), RecipientID: w.PatientUsr.ID, Channel: "push",
				Kind: "reminder", Payload: "{}", State: n.state, NotBefore: n.at, CreatedAt: n.at}).Error)
		}
		for _, at := range []time.Time{now.AddDate(-7, 0, 0), now.AddDate(-5, 0, 0)} {
			must(t, db.Create(&store.AuditEntry{At: at, ClinicID: &w.Clinic.ID, Action: "x", Outcome: "ok"}).Error)
		}
		r, err := retention.Run(context.Background(), db, retention.Default, now)
		if err != nil {
			t.Fatal(err)
		}
		if r.Notifications != 2 || r.Audit != 1 || r.DoseEvents != 0 {
			t.Errorf("deleted %+v, want 2 notifications and 1 audit row", r)
		}
		var states []string
		db.Model(&store.Notification{}).Order("id").Pluck("state", &states)
		if fmt.Sprint(states) != "[pending sent]" {
			t.Errorf("notifications left: %v, want the old pending one and the recent one", states)
		}
		if again, _ := retention.Run(context.Background(), db, retention.Default, now); again != (retention.Result{}) {
			t.Errorf("second run deleted %+v, want nothing", again)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
