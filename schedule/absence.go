package schedule

import (
	"fmt"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// absentSQL matches the absence containing dose d (alias d or the table).
const absentSQL = `SELECT a.id FROM patient_absences a WHERE a.patient_id = %[1]s.patient_id
	AND a.starts_at <= %[1]s.scheduled_at AND a.ends_at > %[1]s.scheduled_at ORDER BY a.id LIMIT 1`

// hospitalSQL is true for a dose excluded by a hospital stay (reminders and
// escalations pause then: the ward gives the medication).
const hospitalSQL = `EXISTS (SELECT 1 FROM patient_absences ha WHERE ha.id = %s.absence_id AND ha.kind = 'hospitalised')`

// RecordAbsence stores an absence of its patient and excludes the doses
// scheduled inside it (excluded = true, absence_id; cancelled and already
// excluded doses are left alone), each with a history row. A hospital stay
// also closes the open escalations of those doses. Call it in the
// request's transaction; doses expanded later are excluded as they are
// written.
func RecordAbsence(tx *gorm.DB, a *store.PatientAbsence, actor Actor, now time.Time) error {
	if err := tx.Create(a).Error; err != nil {
		return err
	}
	var ids []int64
	if err := tx.Raw(`UPDATE dose_instances SET excluded = ?, absence_id = ?, updated_at = ?
		WHERE patient_id = ? AND scheduled_at >= ? AND scheduled_at < ? AND state <> 'cancelled' AND excluded = ?
		RETURNING id`, true, a.ID, now, a.PatientID, a.StartsAt, a.EndsAt, false).Scan(&ids).Error; err != nil {
		return err
	}
	if err := appendHistory(tx, actor, now, sameChange(ids, "", store.HistExcluded, a.Kind+": "+a.Reason)); err != nil {
		return err
	}
	if a.Kind != store.AbsenceHospitalised || len(ids) == 0 {
		return nil
	}
	return tx.Exec(`UPDATE alerts SET closed_at = ?, close_reason = 'hospitalised', next_at = NULL
		WHERE closed_at IS NULL AND dose_id IN ?`, now, ids).Error
}

// excludeNew excludes freshly written or moved doses that fall inside an
// absence (those excluded already are left alone).
func excludeNew(tx *gorm.DB, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	var rows []struct {
		ID        int64
		AbsenceID int64
	}
	if err := tx.Raw(`UPDATE dose_instances SET excluded = ?, absence_id = (`+fmt.Sprintf(absentSQL, "dose_instances")+`)
		WHERE id IN ? AND excluded = ? AND EXISTS (`+fmt.Sprintf(absentSQL, "dose_instances")+`) RETURNING id, absence_id`, true, ids, false).Scan(&rows).Error; err != nil {
		return err
	}
	ch := make([]change, len(rows))
	for i, r := range rows {
		ch[i] = change{DoseID: r.ID, To: store.HistExcluded, Reason: "inside a recorded absence"}
	}
	return appendHistory(tx, System, now, ch)
}
