package schedule_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
)

// TestThreeReplicasExactlyOnce runs three schedulers, each with its own
// connection pool, concurrently on one Postgres schema for every minute from
// 07:59 to 11:30 and checks that every claim happened once in total and
// every notification exists once.
func TestThreeReplicasExactlyOnce(t *testing.T) {
	t.Parallel()
	db, url := storetest.PostgresURL(t)
	ctx := context.Background()
	if err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	const patients = 12
	critical := 0
	for i := range patients {
		w := storetest.NewWorld(t, db, fmt.Sprintf("rep%d", i), t0.Add(-24*time.Hour))
		if i%3 == 0 {
			critical++
			db.Model(&store.Regimen{}).Where("id = ?", w.Regimen.ID).Update("critical", true)
		}
	}
	clk := clock.NewFake(t0.Add(-time.Minute))
	var replicas []*schedule.Scheduler
	for i := range 3 {
		h := db
		if i > 0 {
			var err error
			if h, err = store.Open(ctx, url); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { store.Close(h) })
		}
		s := schedule.New(h, clk)
		s.Batch = 2 // many small claims so the replicas interleave
		s.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
		replicas = append(replicas, s)
	}
	if _, err := schedule.ExtendHorizons(ctx, db, clk.Now(), schedule.DefaultHorizon); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	claims := map[string]int{}
	perReplica := make([]int, 3)
	for now := clk.Now(); !now.After(t0.Add(210 * time.Minute)); now = now.Add(time.Minute) {
		var wg sync.WaitGroup
		for i, s := range replicas {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, job := range []struct {
					name string
					run  func(context.Context, time.Time) (int, error)
				}{{"remind", s.Remind}, {"rereminder", s.ReRemind}, {"missed", s.SweepMissed}, {"escalate", s.Escalate}} {
					n, err := job.run(ctx, now)
					if err != nil {
						t.Errorf("replica %d %s at %s: %v", i, job.name, now, err)
					}
					mu.Lock()
					claims[job.name] += n
					perReplica[i] += n
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}
	want := map[string]int{"remind": patients, "rereminder": patients, "missed": patients,
		"escalate": 3*patients + critical} // patient, caregiver 1, caregiver 2 (absent) + physician if critical
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("%s claimed %d times in total, want %d", k, claims[k], v)
		}
	}
	var sent, distinct int64
	db.Model(&store.Notification{}).Count(&sent)
	db.Raw("SELECT count(DISTINCT (recipient_id, kind, dose_id, alert_id)) FROM notifications").Scan(&distinct)
	if wantSent := int64(4*patients + critical); sent != wantSent || distinct != sent {
		t.Errorf("%d notifications (%d distinct), want %d", sent, distinct, wantSent)
	}
	t.Logf("claims per replica: %v", perReplica)
}
