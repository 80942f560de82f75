package dispenser

import (
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// ingestUnlocked is the Postgres fast path: the candidates read without
// locks, the batch written by one statement that aborts (a serialization
// failure) unless the plan still holds. Two round trips, no transaction
// open between them.
func (s *Service) ingestUnlocked(db *gorm.DB, b *batch, results []Result) error {
	p, err := planBatch(db, b, b.takes, false)
	if err != nil {
		return err
	}
	rowIDs, err := writeBatchPG(db, b, p, s.Clock.Now())
	if err != nil {
		return err
	}
	fillResults(b, rowIDs, p.out, results)
	return nil
}

// ingestLocked matches with the candidates locked (Postgres; on SQLite the
// transaction holds the one write lock) and the takes already stored left
// out, then writes: the path after a conflict, and SQLite's only one.
func (s *Service) ingestLocked(tx *gorm.DB, b *batch, results []Result) error {
	now := s.Clock.Now()
	takes, err := newTakes(tx, b)
	if err != nil {
		return err
	}
	p, err := planBatch(tx, b, takes, true)
	if err != nil {
		return err
	}
	var rowIDs map[string]int64
	if store.IsPostgres(tx) {
		rowIDs, err = writeBatchPG(tx, b, p, now)
	} else if rowIDs, err = insertEvents(tx, b, p.out.byEvent(), now); err == nil {
		err = recordChanges(tx, b.d, p, rowIDs, now)
	}
	if err != nil {
		return err
	}
	fillResults(b, rowIDs, p.out, results)
	return nil
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
		p, err := planBatch(tx, b, []takeEvent{t}, true)
		if err != nil {
			return err
		}
		if err := recordChanges(tx, b.d, p, rowIDs, now); err != nil {
			return err
		}
		if err := linkEvents(tx, store.IsPostgres(tx), p.out.events); err != nil {
			return err
		}
		out.events = append(out.events, p.out.events...)
	}
	fillResults(b, rowIDs, out, results)
	return nil
}
