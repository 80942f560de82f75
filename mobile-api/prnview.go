package mobileapi

import (
	"time"

	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// PRNView is an as-needed medication the patient may log, with its limit
// and, when the limit is reached now, when the next dose is allowed.
type PRNView struct {
	RegimenID     int64          `json:"regimen_id"`
	Medication    MedicationView `json:"medication"`
	DoseQuantity  float64        `json:"dose_quantity"`
	DoseUnit      string         `json:"dose_unit"`
	Limit         *PRNLimit      `json:"limit"`
	NextAllowedAt *time.Time     `json:"next_allowed_at"`
}

// prnViews lists the patient's active as-needed regimens.
func (a *API) prnViews(c *gin.Context, pt *store.Patient) ([]PRNView, error) {
	now := a.Clock.Now()
	var regs []store.Regimen
	if err := a.db(c).Where("patient_id = ? AND as_needed = ? AND stopped_at IS NULL", pt.ID, true).Order("id").Find(&regs).Error; err != nil {
		return nil, err
	}
	ids := []int64{}
	for _, r := range regs {
		if regimenActive(r, now) {
			ids = append(ids, r.ID)
		}
	}
	infos, err := loadRegimens(a.db(c), ids)
	if err != nil {
		return nil, err
	}
	out := []PRNView{}
	for _, id := range ids {
		r := infos[id]
		v := PRNView{RegimenID: id, DoseQuantity: r.DoseQuantity, DoseUnit: r.DoseUnit,
			Medication: MedicationView{ID: r.Med.ID, Name: r.Med.Name, Strength: r.Med.Strength, Form: r.Med.Form}}
		// A malformed limit shows as none here; logging a dose reports it.
		if v.Limit, _ = ParsePRNLimit(r.Timing); v.Limit != nil {
			taken, err := takenSince(a.db(c), pt.ID, id, now.Add(-v.Limit.Window()))
			if err != nil {
				return nil, err
			}
			if next, ok := v.Limit.NextAllowed(taken, now); !ok {
				n := next.UTC()
				v.NextAllowedAt = &n
			}
		}
		out = append(out, v)
	}
	return out, nil
}
