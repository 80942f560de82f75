package schedule

import (
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// versionInsertBatch keeps a multi-row INSERT of versions (16 columns)
// under SQLite's 32,766 parameters.
const versionInsertBatch = 1000

// firstVersions is SyncVersion for the regimens of regs that have no
// version yet (written without the API: fixtures, old tools, imports),
// in three statements whatever their number: it reads their highest
// version numbers, inserts their new versions, and points each regimen at
// its own (CurrentVersionID is set on regs). The regimens.current_version_id
// column is left to the caller's one UPDATE of the page (see extendPage).
func firstVersions(tx *gorm.DB, regs []*store.Regimen, now time.Time) error {
	if len(regs) == 0 {
		return nil
	}
	ids := make([]int64, len(regs))
	for i, r := range regs {
		ids[i] = r.ID
	}
	var maxes []struct {
		RegimenID int64
		Max       int
	}
	if err := rawScan(tx, &maxes, `SELECT regimen_id, MAX(version) AS max FROM regimen_versions
		WHERE regimen_id IN ? GROUP BY regimen_id`, ids); err != nil {
		return err
	}
	have := make(map[int64]int, len(maxes))
	for _, m := range maxes {
		have[m.RegimenID] = m.Max
	}
	vs := make([]store.RegimenVersion, len(regs))
	for i, r := range regs {
		vs[i] = newVersion(r, have[r.ID]+1, now, nil)
	}
	if err := tx.CreateInBatches(&vs, versionInsertBatch).Error; err != nil {
		return err
	}
	for i, r := range regs {
		r.CurrentVersionID = &vs[i].ID
	}
	return nil
}

// newVersion is version number n of reg as SyncVersion writes it: effective
// from now, except that the first version is what was prescribed from the
// start (effective from the regimen's creation).
func newVersion(reg *store.Regimen, n int, now time.Time, by *int64) store.RegimenVersion {
	v := versionOf(reg)
	v.Version, v.EffectiveFrom, v.CreatedAt, v.CreatedBy = n, now, now, by
	if n == 1 && !reg.CreatedAt.IsZero() {
		v.EffectiveFrom = reg.CreatedAt
	}
	return v
}
