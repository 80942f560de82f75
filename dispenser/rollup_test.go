package dispenser_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store"
)

// Takes a dispenser reports, retried concurrently, a late take of a missed
// dose and a double dose among them, leave the patient list's rollup equal
// to the doses (report.VerifyRollup): ingest's dose writes fire its triggers.
func TestIngestKeepsTheRollup(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		var batch []map[string]any
		for i := range 6 {
			at := t0.Add(-time.Duration(1+12*i) * time.Hour)
			state := store.DosePending
			if i%2 == 1 {
				state = store.DoseMissed
			}
			b.dose(at, state)
			batch = append(batch, take(uid(300+i), at.Add(5*time.Minute)))
		}
		batch = append(batch, take(uid(399), t0.Add(-50*time.Minute))) // the first dose again: taken twice
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() { defer wg.Done(); b.post(batch...) }()
		}
		wg.Wait()
		if bad, err := report.VerifyRollup(context.Background(), b.db); err != nil || len(bad) > 0 {
			t.Fatalf("after ingest the rollup differs on %v (err %v)", bad, err)
		}
		var taken int64
		b.db.Raw("SELECT COALESCE(SUM(taken), 0) FROM adherence_days").Scan(&taken)
		if taken != 6 {
			t.Errorf("rollup holds %d taken doses, want 6", taken)
		}
	})
}
