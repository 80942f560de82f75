package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/doseloop/doseloop/dispenser/sim"
	"gorm.io/gorm"
)

// refChunks is how many of each dispenser's stored batches the reference
// loads and inserts again (cycling through them), which bounds its memory.
const refChunks = 4

// refRow is one stored event as the reference inserts it again.
type refRow struct {
	DispenserID int64
	Type        string
	OccurredAt  time.Time
	Compartment *int
	Quantity    *float64
	Seq         *int64
	Details     string
	DoseID      *int64
	Flag        string
}

// rawInsertRate is bench ingest's physical reference: the rate at which the
// database stores the same rows with no application work around them. It
// takes the rows the run stored (every column as stored: type, times,
// compartment, sequence number, details, the dose a take recorded, its
// flag) in batches of batch rows of one dispenser, as devices sent them,
// and posts them again as multi-row "INSERT INTO dose_events ... ON
// CONFLICT DO NOTHING RETURNING id, device_event_id" statements, each row
// under a fresh random UUID as a device would give it, from conc
// connections for dur; it returns rows per second.
func rawInsertRate(ctx context.Context, db *gorm.DB, clinicID int64, batch, conc int, dur time.Duration) (float64, error) {
	chunks, err := storedBatches(ctx, db, clinicID, batch)
	if err != nil {
		return 0, err
	}
	var stored atomic.Int64
	var firstErr error
	var once sync.Once
	start := time.Now()
	deadline := start.Add(dur)
	var wg sync.WaitGroup
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(deadline); n++ {
				got, err := rawInsertBatch(ctx, db, chunks[(w+n*conc)%len(chunks)])
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				stored.Add(int64(got))
			}
		}()
	}
	wg.Wait()
	return float64(stored.Load()) / time.Since(start).Seconds(), firstErr
}

// storedBatches loads the first refChunks batches of stored events of each
// of the clinic's dispensers, in the order they were stored, cut into
// batches of n rows (one dispenser each), interleaving the dispensers.
func storedBatches(ctx context.Context, db *gorm.DB, clinicID int64, n int) ([][]refRow, error) {
	var rows []refRow
	err := db.WithContext(ctx).Raw(`SELECT dispenser_id, type, occurred_at, compartment, quantity, seq, details, dose_id, flag
		FROM (SELECT e.*, row_number() OVER (PARTITION BY e.dispenser_id ORDER BY e.id) AS rn
			FROM dose_events e JOIN dispensers d ON d.id = e.dispenser_id WHERE d.clinic_id = ?) x
		WHERE rn <= ? ORDER BY rn, dispenser_id`, clinicID, n*refChunks).Scan(&rows).Error
	if err != nil || len(rows) == 0 {
		return nil, fmt.Errorf("raw insert reference: no stored events (%v)", err)
	}
	byDispenser := map[int64][]refRow{}
	var order []int64
	for _, r := range rows {
		if byDispenser[r.DispenserID] == nil {
			order = append(order, r.DispenserID)
		}
		byDispenser[r.DispenserID] = append(byDispenser[r.DispenserID], r)
	}
	var chunks [][]refRow
	for c := 0; c < refChunks; c++ {
		for _, d := range order {
			if rs := byDispenser[d]; c*n < len(rs) {
				chunks = append(chunks, rs[c*n:min(len(rs), (c+1)*n)])
			}
		}
	}
	return chunks, nil
}

// rawInsertBatch inserts one statement of the rows, each under a fresh id,
// reading back the RETURNING rows as ingest does.
func rawInsertBatch(ctx context.Context, db *gorm.DB, rs []refRow) (int, error) {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO dose_events (dispenser_id, device_event_id, type, occurred_at, received_at,
		compartment, quantity, seq, details, dose_id, flag) VALUES `)
	args := make([]any, 0, len(rs)*11)
	now := time.Now().UTC()
	for i, r := range rs {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?,?,?,?,?,?,?,?,?)")
		args = append(args, r.DispenserID, sim.NewID(), r.Type, r.OccurredAt, now, r.Compartment, r.Quantity, r.Seq,
			r.Details, r.DoseID, r.Flag)
	}
	sb.WriteString(" ON CONFLICT (dispenser_id, device_event_id) DO NOTHING RETURNING id, device_event_id")
	rows, err := db.WithContext(ctx).Raw(sb.String(), args...).Rows()
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	got := 0
	for rows.Next() {
		var id int64
		var dev string
		if err := rows.Scan(&id, &dev); err != nil {
			return got, err
		}
		got++
	}
	return got, rows.Err()
}
