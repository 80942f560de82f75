package dispenser

import (
	"sort"
	"time"

	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// plan is a matched batch: what matching decided and the state each
// candidate dose was read in (the state its change is guarded on).
type plan struct {
	out  *matchOutcome
	from map[int64]string
}

// planBatch reads the candidates of takes (locked with lock, on Postgres)
// and matches the takes to them.
func planBatch(tx *gorm.DB, b *batch, takes []takeEvent, lock bool) (*plan, error) {
	regs, cands, err := loadMatchData(tx, b.d, takes, lock)
	if err != nil {
		return nil, err
	}
	p := &plan{out: newOutcome(), from: make(map[int64]string, len(cands))}
	for _, c := range cands {
		p.from[c.ID] = c.State
	}
	match(regs, cands, takes, p.out)
	return p, nil
}

// changes are the dose changes of the matched takes whose events were
// stored (in inserted), one per dose, in dose id order.
func (p *plan) changes(inserted map[string]int64) []schedule.DeviceChange {
	byDose := map[int64]*schedule.DeviceChange{}
	var ids []int64
	for _, em := range p.out.events {
		if _, ok := inserted[em.ID]; !ok || em.DoseID == 0 {
			continue
		}
		c := byDose[em.DoseID]
		if c == nil {
			c = &schedule.DeviceChange{DoseID: em.DoseID, From: p.from[em.DoseID]}
			byDose[em.DoseID] = c
			ids = append(ids, em.DoseID)
		}
		if em.Flag == FlagDoubleDose {
			c.Double = true
			continue
		}
		t := p.out.taken[em.DoseID]
		c.Take, c.At, c.OnTime = true, t.At, t.OnTime
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := make([]schedule.DeviceChange, len(ids))
	for i, id := range ids {
		out[i] = *byDose[id]
	}
	return out
}

// newTakes leaves out the takes of b already stored (a retry): matching
// them again would let a stored take claim a dose in the plan that a new
// take of the batch should get.
func newTakes(tx *gorm.DB, b *batch) ([]takeEvent, error) {
	if len(b.takes) == 0 {
		return nil, nil
	}
	ids := make([]string, len(b.takes))
	for i, t := range b.takes {
		ids[i] = t.ID
	}
	var stored []string
	err := tx.Raw("SELECT device_event_id FROM dose_events WHERE dispenser_id = ? AND device_event_id IN ?", b.d.ID, ids).
		Scan(&stored).Error
	if err != nil || len(stored) == 0 {
		return b.takes, err
	}
	seen := make(map[string]bool, len(stored))
	for _, id := range stored {
		seen[id] = true
	}
	var fresh []takeEvent
	for _, t := range b.takes {
		if !seen[t.ID] {
			fresh = append(fresh, t)
		}
	}
	return fresh, nil
}

// recordChanges applies the plan's changes for the stored events through
// schedule (the one writer of dose state); a dose that changed meanwhile
// is errChanged, which redoes the batch.
func recordChanges(tx *gorm.DB, d *store.Dispenser, p *plan, inserted map[string]int64, now time.Time) error {
	ch := p.changes(inserted)
	n, err := schedule.RecordDeviceChanges(tx, d.ID, ch, now)
	if err == nil && n != len(ch) {
		err = errChanged
	}
	return err
}
