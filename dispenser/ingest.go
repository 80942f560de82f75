package dispenser

import (
	"context"
	"errors"
	"sort"

	"github.com/doseloop/doseloop/store"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// Ingest stores a decoded batch for dispenser d in one transaction and fills
// in results (accepted or duplicate, plus the match). Callers answer the
// device only after Ingest returns nil: then everything is committed.
func (s *Service) Ingest(ctx context.Context, d *store.Dispenser, events []Event, results []Result) error {
	if len(events) == 0 {
		return nil
	}
	// A fixed insert order keeps two concurrent retries of overlapping
	// batches from deadlocking on the unique index.
	sort.Slice(events, func(i, j int) bool { return events[i].ID < events[j].ID })
	b := newBatch(d, events)
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		snapshot := append([]Result(nil), results...)
		db := s.DB.WithContext(ctx)
		if len(b.takes) == 0 && store.IsPostgres(db) {
			// Nothing to match: a single statement is atomic on its own.
			err = s.ingestTx(db, b, snapshot)
		} else {
			err = db.Transaction(func(tx *gorm.DB) error { return s.ingestTx(tx, b, snapshot) })
		}
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

// retryable reports a Postgres deadlock or serialization failure.
func retryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40P01" || pg.Code == "40001")
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

// ingestTx matches first (locking the candidate doses), then inserts the
// events with their match in the same statement, then records the doses.
// If some takes turn out to be duplicates, the match is redone without them.
func (s *Service) ingestTx(tx *gorm.DB, b *batch, results []Result) error {
	now := s.Clock.Now()
	if s.PerEventMatching {
		return s.ingestPerEvent(tx, b, results)
	}
	regs, cands, err := loadMatchData(tx, b.d, b.takes)
	if err != nil {
		return err
	}
	fresh := append([]candidate(nil), cands...)
	out := newOutcome()
	match(regs, cands, b.takes, out)
	rowIDs, err := insertEvents(tx, b, out.byEvent(), now)
	if err != nil {
		return err
	}
	var inserted []takeEvent
	for _, t := range b.takes {
		if _, ok := rowIDs[t.ID]; ok {
			t.RowID = rowIDs[t.ID]
			inserted = append(inserted, t)
		}
	}
	if len(inserted) < len(b.takes) {
		redo := newOutcome()
		match(regs, fresh, inserted, redo)
		if err := linkEvents(tx, store.IsPostgres(tx), redo.changedFrom(out)); err != nil {
			return err
		}
		out = redo
	}
	fillResults(b, rowIDs, out, results)
	return applyOutcome(tx, b.d.ID, out, now)
}

// ingestPerEvent is the per-event reference path the benchmark compares
// against: insert, then one candidate query and one round of updates per event.
func (s *Service) ingestPerEvent(tx *gorm.DB, b *batch, results []Result) error {
	now := s.Clock.Now()
	rowIDs, err := insertEvents(tx, b, nil, now)
	if err != nil {
		return err
	}
	out := newOutcome()
	for _, t := range b.takes {
		if t.RowID = rowIDs[t.ID]; t.RowID == 0 {
			continue
		}
		regs, cands, err := loadMatchData(tx, b.d, []takeEvent{t})
		if err != nil {
			return err
		}
		one := newOutcome()
		match(regs, cands, []takeEvent{t}, one)
		if err := applyOutcome(tx, b.d.ID, one, now); err != nil {
			return err
		}
		if err := linkEvents(tx, store.IsPostgres(tx), one.events); err != nil {
			return err
		}
		out.events = append(out.events, one.events...)
	}
	fillResults(b, rowIDs, out, results)
	return nil
}

func fillResults(b *batch, rowIDs map[string]int64, out *matchOutcome, results []Result) {
	for _, ev := range b.events {
		results[ev.Index].Status = StatusDuplicate
		if _, ok := rowIDs[ev.ID]; ok {
			results[ev.Index].Status = StatusAccepted
		}
	}
	for _, em := range out.events {
		r := &results[em.ResultIndex]
		r.Flag = em.Flag
		if em.DoseID != 0 {
			id := em.DoseID
			r.DoseID = &id
		}
	}
}
