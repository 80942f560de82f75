package dispenser_test

import (
	"sync"
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
)

// TestConcurrentRetriesOfOneBatch posts the same batch four times at once,
// as a device retrying over flaky connections might: each event is stored
// and answered accepted exactly once, and the dose is not a double dose.
func TestConcurrentRetriesOfOneBatch(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		due := b.dose(t0.Add(-time.Hour), store.DosePending)
		other := b.dose(t0.Add(-13*time.Hour), store.DoseMissed)
		batch := []map[string]any{take(uid(70), t0.Add(-55*time.Minute)), take(uid(71), t0.Add(-12*time.Hour)),
			{"id": uid(72), "type": "tamper", "occurred_at": t0.Format(time.RFC3339)}}
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := b.post(batch...)
				mu.Lock()
				accepted += a.Accepted
				mu.Unlock()
			}()
		}
		wg.Wait()
		if accepted != 3 || b.countEvents() != 3 {
			t.Fatalf("accepted %d times, %d stored", accepted, b.countEvents())
		}
		for _, id := range []int64{due.ID, other.ID} {
			if d := b.reload(id); d.State != store.DoseTaken || d.DoubleDose {
				t.Fatalf("dose %+v", d)
			}
		}
	})
}
