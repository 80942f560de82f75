package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// rawInsertRate is bench ingest's physical reference: the rate at which the
// database stores the same rows with no application work around them. It
// posts multi-row "INSERT INTO dose_events ... ON CONFLICT DO NOTHING
// RETURNING id, device_event_id" statements of batch rows (the same columns,
// the same table with its keys and indexes, one dispenser per statement as a
// device batch is) from conc connections for dur, and returns rows per second.
func rawInsertRate(ctx context.Context, db *gorm.DB, clinicID int64, batch, conc int, dur time.Duration) (float64, error) {
	var dispensers []int64
	if err := db.WithContext(ctx).Raw("SELECT id FROM dispensers WHERE clinic_id = ? ORDER BY id", clinicID).
		Scan(&dispensers).Error; err != nil || len(dispensers) == 0 {
		return 0, fmt.Errorf("raw insert reference: dispensers: %v", err)
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
				d := dispensers[(w+n*conc)%len(dispensers)]
				got, err := rawInsertBatch(ctx, db, d, fmt.Sprintf("raw-%d-%d", w, n), batch)
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

// rawInsertBatch inserts one statement of n dose_taken events of dispenser d
// with ids PREFIX-i, reading back the RETURNING rows as ingest does.
func rawInsertBatch(ctx context.Context, db *gorm.DB, d int64, prefix string, n int) (int, error) {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO dose_events (dispenser_id, device_event_id, type, occurred_at, received_at,
		compartment, quantity, seq, details, dose_id, flag) VALUES `)
	args := make([]any, 0, n*11)
	now := time.Now().UTC()
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("(?,?,?,?,?,?,?,?,?,?,?)")
		args = append(args, d, fmt.Sprintf("%s-%d", prefix, i), "dose_taken", now.Add(-time.Duration(i)*time.Minute), now,
			1+i%4, 1.0, nil, "", nil, "")
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
