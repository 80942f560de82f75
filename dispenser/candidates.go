package dispenser

import (
	"strconv"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// loadMatchData loads the patient's compartment regimens and the doses the
// takes could record; with lock, they are locked in id order on Postgres
// (so a concurrent batch for the same doses waits and then sees them
// taken). On Postgres it is one statement, the windows computed per regimen
// in SQL; SQLite takes two.
func loadMatchData(tx *gorm.DB, d *store.Dispenser, takes []takeEvent, lock bool) ([]regimenWindow, []candidate, error) {
	if len(takes) == 0 || d.PatientID == nil {
		return nil, nil, nil
	}
	lo, hi := takes[0].OccurredAt, takes[0].OccurredAt
	comps := map[int]bool{}
	var compList []int
	for _, t := range takes {
		lo, hi = minTime(lo, t.OccurredAt), maxTime(hi, t.OccurredAt)
		if !comps[t.Compartment] {
			comps[t.Compartment] = true
			compList = append(compList, t.Compartment)
		}
	}
	if !store.IsPostgres(tx) {
		return loadMatchDataSQLite(tx, *d.PatientID, compList, lo, hi)
	}
	return loadMatchDataPG(tx, *d.PatientID, compList, lo, hi, lock)
}

// loadMatchDataPG is loadMatchData's one Postgres statement (its text the
// same for every batch, so it is prepared once per connection), its rows
// scanned by hand: it runs for every batch. d.patient_id (the regimens' patient)
// lets dose_instances_patient_idx serve it: Postgres has no index leading
// with regimen_id that covers every dose (migration 00230).
func loadMatchDataPG(tx *gorm.DB, patientID int64, comps []int, lo, hi time.Time, lock bool) ([]regimenWindow, []candidate, error) {
	late := strconv.Itoa(int(LateTakeLimit.Minutes()))
	locking := ""
	if lock {
		locking = " FOR NO KEY UPDATE OF d"
	}
	rows, err := tx.Raw(`SELECT d.id, d.regimen_id, d.scheduled_at, d.state, r.compartment, r.on_time_window_min, r.grace_min
		FROM regimens r JOIN dose_instances d ON d.regimen_id = r.id
		WHERE r.patient_id = ? AND d.patient_id = ? AND r.compartment = ANY(?::integer[]) AND d.state IN ('pending','missed','taken')
			AND d.scheduled_at >= CAST(? AS timestamptz) - make_interval(mins => r.on_time_window_min + r.grace_min + `+late+`)
			AND d.scheduled_at <= CAST(? AS timestamptz) + make_interval(mins => r.on_time_window_min)
		ORDER BY d.id`+locking, patientID, patientID, store.Array(comps), lo, hi).Rows()
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	seen := map[int64]bool{}
	var regs []regimenWindow
	var cands []candidate
	for rows.Next() {
		var c candidate
		var r regimenWindow
		if err := rows.Scan(&c.ID, &c.RegimenID, &c.ScheduledAt, &c.State, &r.Compartment, &r.OnTimeWindowMin, &r.GraceMin); err != nil {
			return nil, nil, err
		}
		cands = append(cands, c)
		if !seen[c.RegimenID] {
			seen[c.RegimenID] = true
			r.ID = c.RegimenID
			regs = append(regs, r)
		}
	}
	return regs, cands, rows.Err()
}

// loadMatchDataSQLite: regimens first, then their doses in the widest
// window; SQLite has one writer, so no locking is needed.
func loadMatchDataSQLite(tx *gorm.DB, patientID int64, comps []int, lo, hi time.Time) ([]regimenWindow, []candidate, error) {
	var regs []regimenWindow
	err := tx.Raw(`SELECT id, compartment, on_time_window_min, grace_min FROM regimens
		WHERE patient_id = ? AND compartment IN ?`, patientID, comps).Scan(&regs).Error
	if err != nil || len(regs) == 0 {
		return nil, nil, err
	}
	var early, late time.Duration
	ids := make([]int64, len(regs))
	for i, r := range regs {
		ids[i] = r.ID
		early, late = max(early, r.early()), max(late, r.late())
	}
	var cands []candidate
	err = tx.Raw(`SELECT id, regimen_id, scheduled_at, state FROM dose_instances
		WHERE regimen_id IN ? AND scheduled_at >= ? AND scheduled_at <= ? AND state IN ('pending','missed','taken')
		ORDER BY id`, ids, lo.Add(-late), hi.Add(early)).Scan(&cands).Error
	return regs, cands, err
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
