package notify_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// A worker that dies after FCM accepted a message but before recording it
// leaves the row "sending". Nobody touches it while the lease runs; after
// the lease it is reclaimed and sent once more — the at-least-once window
// doc.go documents — and never again after that.
func TestCrashBetweenSendAndRecord(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		b.token(t, b.w.PatientUsr.ID, "tok-crash")
		n := b.enqueue(t, "k", b.w.PatientUsr.ID, "push", false, reminder(1))
		b.d.SetBeforeRecord(func(store.Notification) error { return errors.New("process killed") })
		b.tick(t)
		b.d.SetBeforeRecord(nil)
		if r := b.row(t, n.ID); r.State != store.NotifySending {
			t.Fatalf("row = %s, want still sending", r.State)
		}
		b.clk.Set(t0.Add(2*time.Minute - time.Second)) // lease (2m) not over yet
		if st := b.tick(t); st.Claimed != 0 {
			t.Fatalf("reclaimed inside the lease: %+v", st)
		}
		b.clk.Set(t0.Add(2*time.Minute + time.Second))
		if st := b.tick(t); st.Sent != 1 {
			t.Fatalf("stats %+v, want the expired claim resent", st)
		}
		b.clk.Set(t0.Add(time.Hour))
		b.tick(t)
		if got := len(b.fake.Accepted("tok-crash")); got != 2 {
			t.Fatalf("device got %d copies, want 2 (one duplicate from the crash window, no more)", got)
		}
		if r := b.row(t, n.ID); r.State != store.NotifySent || r.Attempts != 2 {
			t.Fatalf("row = %s attempts %d", r.State, r.Attempts)
		}
	})
}

// Several dispatchers (replicas) draining one outbox send every row once.
func TestConcurrentDispatchersSendEachRowOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		b.token(t, b.w.PatientUsr.ID, "tok-many")
		const rows = 150
		for i := range rows {
			b.enqueue(t, fmt.Sprintf("k%d", i), b.w.PatientUsr.ID, "push", false, reminder(int64(i+1)))
		}
		var wg sync.WaitGroup
		for range 3 {
			d := &notify.Dispatcher{DB: db, Clock: b.clk, Push: b.d.Push, Batch: 20, Senders: 8}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					st, err := d.Tick(context.Background())
					if err != nil {
						t.Error(err)
						return
					}
					if st.Claimed == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		seen := map[string]int{}
		for _, r := range b.fake.Accepted("") {
			seen[r.Data["notification_id"]]++
		}
		var sent int64
		db.Model(&store.Notification{}).Where("state = ?", store.NotifySent).Count(&sent)
		if len(seen) != rows || sent != rows {
			t.Fatalf("distinct sent %d, rows sent %d, want %d", len(seen), sent, rows)
		}
		for id, c := range seen {
			if c != 1 {
				t.Fatalf("notification %s sent %d times", id, c)
			}
		}
	})
}
