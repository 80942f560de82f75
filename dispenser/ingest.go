package dispenser

import (
	"context"
	"errors"
	"sort"
	"time"

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
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		snapshot := append([]Result(nil), results...)
		err = s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return s.ingestTx(tx, d, events, snapshot)
		})
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

func (s *Service) ingestTx(tx *gorm.DB, d *store.Dispenser, events []Event, results []Result) error {
	now := s.Clock.Now()
	rowIDs, err := insertEvents(tx, d.ID, events, now)
	if err != nil {
		return err
	}
	var takes []takeEvent
	var maxSeq int64
	for _, ev := range events {
		rowID, ok := rowIDs[ev.ID]
		if !ok {
			results[ev.Index].Status = StatusDuplicate
			continue
		}
		results[ev.Index].Status = StatusAccepted
		if ev.Seq != nil && *ev.Seq > maxSeq {
			maxSeq = *ev.Seq
		}
		if ev.Type == store.EventDoseTaken {
			var seq int64
			if ev.Seq != nil {
				seq = *ev.Seq
			}
			takes = append(takes, takeEvent{RowID: rowID, ResultIndex: ev.Index, OccurredAt: ev.OccurredAt, Compartment: *ev.Compartment, Seq: seq})
		}
	}
	if maxSeq > 0 {
		if err := tx.Exec("UPDATE dispensers SET last_seq = ? WHERE id = ? AND last_seq < ?", maxSeq, d.ID, maxSeq).Error; err != nil {
			return err
		}
	}
	if len(takes) == 0 {
		return nil
	}
	out, err := s.matchTakes(tx, d, takes)
	if err != nil {
		return err
	}
	for _, em := range out.events {
		r := &results[em.ResultIndex]
		r.Flag = em.Flag
		if em.DoseID != 0 {
			id := em.DoseID
			r.DoseID = &id
		}
	}
	return nil
}

// matchTakes matches the take events and applies the outcome: set-based
// (one candidate query, one statement per kind of change) unless
// PerEventMatching asks for the slow reference path.
func (s *Service) matchTakes(tx *gorm.DB, d *store.Dispenser, takes []takeEvent) (*matchOutcome, error) {
	out := newOutcome()
	var regs []regimenWindow
	if d.PatientID != nil {
		err := tx.Raw(`SELECT id, compartment, on_time_window_min, grace_min FROM regimens
			WHERE patient_id = ? AND compartment IS NOT NULL`, *d.PatientID).Scan(&regs).Error
		if err != nil {
			return nil, err
		}
	}
	if len(regs) == 0 {
		match(nil, nil, takes, out)
		return out, applyOutcome(tx, out, s.Clock.Now())
	}
	if s.PerEventMatching {
		return out, s.matchEachEvent(tx, regs, takes, out)
	}
	cands, err := loadCandidates(tx, regs, takes)
	if err != nil {
		return nil, err
	}
	match(regs, cands, takes, out)
	return out, applyOutcome(tx, out, s.Clock.Now())
}

// matchEachEvent is the per-event reference path: one candidate query and
// one round of updates per event.
func (s *Service) matchEachEvent(tx *gorm.DB, regs []regimenWindow, takes []takeEvent, out *matchOutcome) error {
	for _, t := range takes {
		cands, err := loadCandidates(tx, regs, []takeEvent{t})
		if err != nil {
			return err
		}
		one := newOutcome()
		match(regs, cands, []takeEvent{t}, one)
		if err := applyOutcome(tx, one, s.Clock.Now()); err != nil {
			return err
		}
		out.events = append(out.events, one.events...)
	}
	return nil
}

// loadCandidates loads (and on Postgres locks, in id order) the doses of
// regs that any of takes could record.
func loadCandidates(tx *gorm.DB, regs []regimenWindow, takes []takeEvent) ([]candidate, error) {
	var early, late time.Duration
	ids := make([]int64, len(regs))
	for i, r := range regs {
		ids[i] = r.ID
		early, late = max(early, r.early()), max(late, r.late())
	}
	lo, hi := takes[0].OccurredAt, takes[0].OccurredAt
	for _, t := range takes {
		lo, hi = minTime(lo, t.OccurredAt), maxTime(hi, t.OccurredAt)
	}
	q := `SELECT id, regimen_id, scheduled_at, state FROM dose_instances
		WHERE regimen_id IN ? AND scheduled_at >= ? AND scheduled_at <= ? AND state IN ('pending','missed','taken')
		ORDER BY id`
	if store.IsPostgres(tx) {
		q += " FOR UPDATE"
	}
	var cands []candidate
	err := tx.Raw(q, ids, lo.Add(-late), hi.Add(early)).Scan(&cands).Error
	return cands, err
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
