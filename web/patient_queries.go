package web

import (
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// missed lists the period's missed and skipped doses, newest first, with
// what the escalation did: notifications sent and who acknowledged.
func (h *Handler) missed(c *gin.Context, pt *store.Patient, rep *report.PatientReport) ([]missedRow, error) {
	var alerts []alertRow
	err := h.DB.WithContext(c.Request.Context()).Table("alerts a").
		Select(`a.id, a.dose_id, a.kind, a.critical, a.opened_at, a.next_step, a.closed_at, a.close_reason, a.acknowledged_at,
			COALESCE(u.name, '') AS ack_name,
			(SELECT COUNT(*) FROM notifications n WHERE n.alert_id = a.id) AS notified,
			(SELECT COUNT(*) FROM notifications n WHERE n.alert_id = a.id AND n.state = 'sent') AS delivered`).
		Joins("LEFT JOIN users u ON u.id = a.acknowledged_by").
		Where("a.patient_id = ? AND a.opened_at >= ? AND a.kind = ?", pt.ID, rep.From, store.AlertMissedDose).
		Scan(&alerts).Error
	if err != nil {
		return nil, err
	}
	byDose := map[int64]*alertRow{}
	for i := range alerts {
		if alerts[i].DoseID != nil {
			byDose[*alerts[i].DoseID] = &alerts[i]
		}
	}
	meds := map[int64]string{}
	for _, rr := range rep.Regimens {
		meds[rr.Regimen.ID] = rr.Regimen.Medication
	}
	var out []missedRow
	for i := len(rep.Doses) - 1; i >= 0; i-- {
		d := rep.Doses[i]
		if d.State == store.DoseMissed || d.State == store.DoseSkipped {
			out = append(out, missedRow{Dose: d, Medication: meds[d.RegimenID], Alert: byDose[d.ID]})
		}
	}
	return out, nil
}

func (h *Handler) dispensers(c *gin.Context, pt *store.Patient) ([]dispenserRow, error) {
	var ds []store.Dispenser
	if err := h.DB.WithContext(c.Request.Context()).Where("patient_id = ? AND revoked_at IS NULL", pt.ID).Order("serial").Find(&ds).Error; err != nil {
		return nil, err
	}
	var open []int64
	if err := h.DB.WithContext(c.Request.Context()).Model(&store.DispenserOutage{}).
		Where("patient_id = ? AND ended_at IS NULL", pt.ID).Pluck("dispenser_id", &open).Error; err != nil {
		return nil, err
	}
	out := make([]dispenserRow, len(ds))
	for i, d := range ds {
		out[i].Dispenser = d
		for _, id := range open {
			out[i].Offline = out[i].Offline || id == d.ID
		}
	}
	return out, nil
}

// careCircle names the patient's care-team physicians and active
// caregivers (in escalation order).
func (h *Handler) careCircle(c *gin.Context, pt *store.Patient) (team, caregivers []string, err error) {
	db := h.DB.WithContext(c.Request.Context())
	err = db.Table("care_team_members m").Joins("JOIN users u ON u.id = m.physician_id").
		Where("m.patient_id = ?", pt.ID).Order("u.name").Pluck("u.name", &team).Error
	if err == nil {
		err = db.Table("care_links l").Joins("JOIN users u ON u.id = l.caregiver_id").
			Where("l.patient_id = ? AND l.state = ?", pt.ID, store.LinkActive).Order("l.escalation_order").Pluck("u.name", &caregivers).Error
	}
	return team, caregivers, err
}
