package dispenser

import (
	"sort"
	"time"

	"github.com/doseloop/doseloop/store"
)

// Event flags stored on dose_events.
const (
	FlagUnmatched  = "unmatched"
	FlagDoubleDose = "double_dose"
)

// regimenWindow is what matching needs of a regimen.
type regimenWindow struct {
	ID              int64
	Compartment     int
	OnTimeWindowMin int
	GraceMin        int
}

func (r regimenWindow) early() time.Duration { return time.Duration(r.OnTimeWindowMin) * time.Minute }
func (r regimenWindow) late() time.Duration {
	return time.Duration(r.OnTimeWindowMin+r.GraceMin)*time.Minute + LateTakeLimit
}

// candidate is a dose instance an event may record.
type candidate struct {
	ID          int64
	RegimenID   int64
	ScheduledAt time.Time
	State       string
}

// takeEvent is an accepted dose_taken event waiting to be matched.
type takeEvent struct {
	ID          string // device event id
	RowID       int64  // dose_events.id, once inserted
	ResultIndex int
	OccurredAt  time.Time
	Compartment int
	Seq         int64
}

// matchOutcome is what matching decided, applied with a few set statements.
type matchOutcome struct {
	taken   map[int64]takenDose // dose id -> how it was taken
	doubled map[int64]bool      // dose ids taken again
	events  []eventMatch        // one per take event
}

type takenDose struct {
	At     time.Time
	OnTime bool
}

type eventMatch struct {
	ID            string
	RowID, DoseID int64
	ResultIndex   int
	Flag          string
}

func newOutcome() *matchOutcome {
	return &matchOutcome{taken: map[int64]takenDose{}, doubled: map[int64]bool{}}
}

// byEvent indexes the event matches by device event id.
func (o *matchOutcome) byEvent() map[string]eventMatch {
	m := make(map[string]eventMatch, len(o.events))
	for _, em := range o.events {
		m[em.ID] = em
	}
	return m
}

// match assigns each take event (in occurred_at order) to the nearest
// untaken dose of its compartment's regimens inside the dose's window, else
// to the nearest taken one (double dose), else flags it unmatched. cands is
// updated in place, so a second take in the same batch sees the first.
func match(regs []regimenWindow, cands []candidate, takes []takeEvent, out *matchOutcome) {
	byID := make(map[int64]regimenWindow, len(regs))
	for _, r := range regs {
		byID[r.ID] = r
	}
	sort.SliceStable(takes, func(i, j int) bool {
		if !takes[i].OccurredAt.Equal(takes[j].OccurredAt) {
			return takes[i].OccurredAt.Before(takes[j].OccurredAt)
		}
		return takes[i].Seq < takes[j].Seq
	})
	for _, t := range takes {
		open, done := -1, -1
		for i, c := range cands {
			r, ok := byID[c.RegimenID]
			if !ok || r.Compartment != t.Compartment || t.OccurredAt.Before(c.ScheduledAt.Add(-r.early())) ||
				t.OccurredAt.After(c.ScheduledAt.Add(r.late())) {
				continue
			}
			if c.State == store.DoseTaken {
				done = nearer(cands, done, i, t.OccurredAt)
			} else {
				open = nearer(cands, open, i, t.OccurredAt)
			}
		}
		em := eventMatch{ID: t.ID, RowID: t.RowID, ResultIndex: t.ResultIndex}
		switch {
		case open >= 0:
			c := &cands[open]
			c.State = store.DoseTaken
			onTime := absDur(t.OccurredAt.Sub(c.ScheduledAt)) <= byID[c.RegimenID].early()
			out.taken[c.ID] = takenDose{At: t.OccurredAt, OnTime: onTime}
			em.DoseID = c.ID
		case done >= 0:
			out.doubled[cands[done].ID] = true
			em.DoseID, em.Flag = cands[done].ID, FlagDoubleDose
		default:
			em.Flag = FlagUnmatched
		}
		out.events = append(out.events, em)
	}
}

// nearer returns whichever of candidates best and i is closer to t (best may be -1).
func nearer(cands []candidate, best, i int, t time.Time) int {
	if best < 0 || absDur(t.Sub(cands[i].ScheduledAt)) < absDur(t.Sub(cands[best].ScheduledAt)) {
		return i
	}
	return best
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
