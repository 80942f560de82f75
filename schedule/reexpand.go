package schedule

import (
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// Reasons written on the history rows of a re-expansion.
const (
	reasonReplanned = "regimen, time zone or travel policy changed"
)

// futureDose is what re-expansion needs of an existing future dose.
type futureDose struct {
	ID                                int64
	VersionID                         *int64
	NominalDate, LocalDate, LocalTime string
	Slot                              *int
	ScheduledAt                       time.Time
	State                             string
}

// Reexpand applies a change to reg (new version, stop, zone or travel
// policy) to its doses due after now, keeping each dose's identity: a
// wanted dose that exists keeps its row (its instant and labels follow the
// new zone; a cancelled one is revived), a pending dose no longer wanted is
// cancelled, a missing one is inserted. Doses already due or recorded are
// never touched. Every state change gets its history row. Call it in the
// transaction that saves the change.
func Reexpand(tx *gorm.DB, reg *store.Regimen, pt *store.Patient, now, to time.Time) error {
	vid, err := SyncVersion(tx, reg, now, nil)
	if err != nil {
		return err
	}
	var existing []futureDose
	// patient_id: read through dose_instances_patient_idx (migration 00230).
	if err := tx.Model(&store.DoseInstance{}).Where("patient_id = ? AND regimen_id = ? AND scheduled_at > ? AND state IN ?",
		reg.PatientID, reg.ID, now,
		[]string{store.DosePending, store.DoseCancelled}).Order("id").Find(&existing).Error; err != nil {
		return err
	}
	var want []Occurrence
	if !reg.AsNeeded {
		s, err := SpanOf(reg, pt)
		if err != nil {
			return err
		}
		want = Expand(s, now, to)
	}
	p := plan(existing, want, vid)
	if err := p.apply(tx, reg, vid, now); err != nil {
		return err
	}
	reg.ExpandedUntil = &to
	return tx.Exec("UPDATE regimens SET expanded_until = ? WHERE id = ?", to, reg.ID).Error
}

// replan is what re-expansion does to existing rows and what it inserts.
type replan struct {
	keep   map[int64]Occurrence // existing dose id -> its new instant and labels
	moved  []int64              // pending doses whose instant changes (zone or travel change)
	revive []int64              // cancelled doses wanted again
	cancel []int64              // pending doses no longer wanted
	insert []Occurrence
}

type identity struct {
	date string
	slot int
}

// plan matches wanted occurrences to existing rows by identity (version,
// nominal date, slot); rows written before identities existed (no slot) are
// adopted by instant.
func plan(existing []futureDose, want []Occurrence, vid int64) replan {
	byID, byInstant := map[identity]*futureDose{}, map[int64]*futureDose{}
	for i := range existing {
		e := &existing[i]
		if e.Slot != nil && e.VersionID != nil && *e.VersionID == vid {
			byID[identity{e.NominalDate, *e.Slot}] = e
		} else if e.Slot == nil {
			byInstant[e.ScheduledAt.UnixMicro()] = e
		}
	}
	p := replan{keep: map[int64]Occurrence{}}
	for _, o := range want {
		e := byID[identity{o.NominalDate, o.Slot}]
		if e == nil {
			e = byInstant[o.At.UnixMicro()]
			delete(byInstant, o.At.UnixMicro())
		}
		if e == nil {
			p.insert = append(p.insert, o)
			continue
		}
		p.keep[e.ID] = o
		switch {
		case e.State == store.DoseCancelled:
			p.revive = append(p.revive, e.ID)
		case !e.ScheduledAt.Equal(o.At):
			p.moved = append(p.moved, e.ID)
		}
	}
	for _, e := range existing {
		if _, ok := p.keep[e.ID]; !ok && e.State == store.DosePending {
			p.cancel = append(p.cancel, e.ID)
		}
	}
	return p
}
