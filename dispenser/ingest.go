package dispenser

import (
	"context"
	"errors"
	"sort"

	"github.com/doseloop/doseloop/store"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// Ingest stores a decoded batch for dispenser d and fills in results
// (accepted or duplicate, plus the match). Callers answer the device only
// after Ingest returns nil: then everything is committed.
//
// On Postgres a batch is first matched from an unlocked read and written by
// one statement (writeBatchPG) that checks the plan still holds; if a
// concurrent writer changed a matched dose, or a take turns out to be a
// retry already stored, that statement aborts as a whole and the batch is
// redone under row locks (ingestLocked), which is also the SQLite path.
func (s *Service) Ingest(ctx context.Context, d *store.Dispenser, events []Event, results []Result) error {
	if len(events) == 0 {
		return nil
	}
	// A fixed insert order keeps two concurrent retries of overlapping
	// batches from deadlocking on the unique index.
	sort.Slice(events, func(i, j int) bool { return events[i].ID < events[j].ID })
	b := newBatch(d, events)
	db := s.DB.WithContext(ctx)
	if s.PerEventMatching {
		return s.inTx(db, results, func(tx *gorm.DB, res []Result) error { return s.ingestPerEvent(tx, b, res) })
	}
	if store.IsPostgres(db) {
		snapshot := append([]Result(nil), results...)
		err := s.ingestUnlocked(db, b, snapshot)
		if err == nil {
			copy(results, snapshot)
		}
		if !retryable(err) {
			return err
		}
	}
	return s.inTx(db, results, func(tx *gorm.DB, res []Result) error { return s.ingestLocked(tx, b, res) })
}

// inTx runs fn in a transaction, again (up to three times in all) after a
// deadlock or serialization failure; results are filled in only on success.
func (s *Service) inTx(db *gorm.DB, results []Result, fn func(*gorm.DB, []Result) error) error {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		snapshot := append([]Result(nil), results...)
		err = db.Transaction(func(tx *gorm.DB) error { return fn(tx, snapshot) })
		if err == nil {
			copy(results, snapshot)
			return nil
		}
		if !retryable(err) {
			return err
		}
	}
	return err
}

// errChanged reports that a matched dose left its state before it was
// written (a set-based write changed fewer doses than planned).
var errChanged = errors.New("dispenser batch: a matched dose changed meanwhile")

// retryable reports a Postgres deadlock or serialization failure (which
// includes ingest_plan_holds refusing a stale plan), or errChanged.
func retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.Is(err, errChanged) || errors.As(err, &pg) && (pg.Code == "40P01" || pg.Code == "40001")
}

// batch is a decoded batch with its dose_taken events picked out.
type batch struct {
	d      *store.Dispenser
	events []Event
	takes  []takeEvent
	maxSeq int64
}

func newBatch(d *store.Dispenser, events []Event) *batch {
	b := &batch{d: d, events: events}
	for _, ev := range events {
		var seq int64
		if ev.Seq != nil {
			seq = *ev.Seq
		}
		b.maxSeq = max(b.maxSeq, seq)
		if ev.Type == store.EventDoseTaken {
			b.takes = append(b.takes, takeEvent{ID: ev.ID, ResultIndex: ev.Index, OccurredAt: ev.OccurredAt, Compartment: *ev.Compartment, Seq: seq})
		}
	}
	return b
}

// fillResults answers each event accepted (stored now: in rowIDs) or
// duplicate, with the match of the accepted takes.
func fillResults(b *batch, rowIDs map[string]int64, out *matchOutcome, results []Result) {
	for _, ev := range b.events {
		results[ev.Index].Status = StatusDuplicate
		if _, ok := rowIDs[ev.ID]; ok {
			results[ev.Index].Status = StatusAccepted
		}
	}
	for _, em := range out.events {
		if _, ok := rowIDs[em.ID]; !ok {
			continue
		}
		r := &results[em.ResultIndex]
		r.Flag = em.Flag
		if em.DoseID != 0 {
			id := em.DoseID
			r.DoseID = &id
		}
	}
}
