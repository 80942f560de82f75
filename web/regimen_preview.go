package web

import (
	"time"

	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// previewDay is one local day of the preview and the doses due on it.
type previewDay struct {
	Date, Weekday string
	Times         []string
}

// previewDays is how far the preview looks ahead.
const previewDays = 7

// previewOf lists the doses reg would schedule in the next seven days, in
// the patient's zone, exactly as the schedule engine will expand them.
func previewOf(reg *store.Regimen, pt *store.Patient, now time.Time) ([]previewDay, error) {
	zone := zoneOf(pt)
	out := make([]previewDay, previewDays)
	for i := range out {
		day := now.In(zone).AddDate(0, 0, i)
		out[i] = previewDay{Date: day.Format(time.DateOnly), Weekday: day.Format("Mon")}
	}
	if reg.AsNeeded {
		return out, nil
	}
	span, err := schedule.SpanOf(reg, pt)
	if err != nil {
		return nil, err
	}
	last := now.In(zone).AddDate(0, 0, previewDays)
	end := time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, zone)
	for _, o := range schedule.Expand(span, now, end) {
		for i := range out {
			if out[i].Date == o.LocalDate {
				out[i].Times = append(out[i].Times, o.LocalTime)
			}
		}
	}
	return out, nil
}

// warnings are what the prescriber should see but may overrule: the same
// medication already in force, and a grace shorter than the on-time window.
func (h *Handler) warnings(c *gin.Context, pt *store.Patient, reg *store.Regimen) ([]string, error) {
	var out []string
	if !reg.AsNeeded && reg.GraceMin < reg.OnTimeWindowMin {
		out = append(out, "The grace period is shorter than the on-time window: a dose could be marked missed and later count as on time. Usually the grace period is at least the on-time window.")
	}
	var n int64
	err := h.DB.WithContext(c.Request.Context()).Model(&store.Regimen{}).
		Where("patient_id = ? AND medication_id = ? AND id <> ? AND stopped_at IS NULL AND (ends_at IS NULL OR ends_at > ?)",
			pt.ID, reg.MedicationID, reg.ID, h.now()).Count(&n).Error
	if n > 0 {
		out = append(out, "This patient already has a regimen of the same medication in force: check this is not duplicate therapy.")
	}
	return out, err
}
