package schedule

import (
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// apply writes p: cancellations, kept rows moved to their new instant (and
// identity, for adopted legacy rows), revivals, inserts, with history.
func (p replan) apply(tx *gorm.DB, reg *store.Regimen, vid int64, now time.Time) error {
	if len(p.cancel) > 0 {
		if err := tx.Exec(`UPDATE dose_instances SET state = 'cancelled', updated_at = ? WHERE id IN ?`, now, p.cancel).Error; err != nil {
			return err
		}
	}
	for id, o := range p.keep {
		if err := tx.Exec(`UPDATE dose_instances SET version_id = ?, nominal_date = ?, slot = ?, scheduled_at = ?,
			local_date = ?, local_time = ?, state = 'pending', updated_at = ? WHERE id = ?`,
			vid, o.NominalDate, o.Slot, o.At, o.LocalDate, o.LocalTime, now, id).Error; err != nil {
			return err
		}
	}
	ch := append(sameChange(p.cancel, store.DosePending, store.DoseCancelled, reasonReplanned),
		sameChange(p.revive, store.DoseCancelled, store.DosePending, reasonReplanned)...)
	ch = append(ch, sameChange(p.moved, store.DosePending, store.HistRescheduled, reasonReplanned)...)
	if err := appendHistory(tx, System, now, ch); err != nil {
		return err
	}
	// A dose moved into a recorded absence is excluded like a new one.
	if err := excludeNew(tx, p.moved, now); err != nil {
		return err
	}
	rows := make([]doseRow, len(p.insert))
	for i, o := range p.insert {
		rows[i] = doseRow{PatientID: reg.PatientID, RegimenID: reg.ID, VersionID: vid, Occurrence: o}
	}
	return insertDoses(tx, rows, now)
}
