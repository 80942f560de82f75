package web

import (
	"net/http"

	"github.com/doseloop/doseloop/auth"
	"github.com/gin-gonic/gin"
)

// adminTable is what every clinic-admin page shows: a titled table, and for
// the audit log a filter form.
type adminTable struct {
	Columns []string
	Rows    [][]string
}

func (h *Handler) showTable(c *gin.Context, nav, title, action string, t adminTable) {
	auth.Audit(c, h.DB, action, 0, "", 0, auth.OutcomeOK)
	h.render(c, http.StatusOK, "admin", page{Title: title, Nav: nav, Data: t})
}

func (h *Handler) adminCareTeams(c *gin.Context) {
	var rows []struct{ Physician, Patient string }
	err := h.DB.WithContext(c.Request.Context()).Table("care_team_members m").
		Select("u.name AS physician, p.name AS patient").
		Joins("JOIN users u ON u.id = m.physician_id").Joins("JOIN patients p ON p.id = m.patient_id").
		Where("p.clinic_id = ?", auth.PrincipalOf(c).ClinicID).Order("u.name, p.name").Scan(&rows).Error
	if err != nil {
		h.fail(c, err)
		return
	}
	t := adminTable{Columns: []string{"Physician", "Patients"}}
	for _, r := range rows {
		if n := len(t.Rows); n > 0 && t.Rows[n-1][0] == r.Physician {
			t.Rows[n-1][1] += ", " + r.Patient
			continue
		}
		t.Rows = append(t.Rows, []string{r.Physician, r.Patient})
	}
	h.showTable(c, "care-teams", "Care teams", "web.admin.care_teams", t)
}
