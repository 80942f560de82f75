package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/report"
	"github.com/gin-gonic/gin"
)

type listData struct {
	Rows    []report.ListRow
	Days    int
	Periods []int
	Sort    string
	Query   string
}

// periodDays reads ?period=7d|30d|90d (default 30).
func periodDays(c *gin.Context) int {
	v := strings.TrimSuffix(c.Query("period"), "d")
	for _, d := range report.Periods {
		if strconv.Itoa(d) == v {
			return d
		}
	}
	return 30
}

func (h *Handler) listPage(c *gin.Context) {
	days := periodDays(c)
	sort := c.DefaultQuery("sort", "worst")
	switch sort {
	case "worst", "best", "name", "trend":
	default:
		sort = "worst"
	}
	q := strings.TrimSpace(c.Query("q"))
	if len(q) > 100 {
		q = q[:100]
	}
	rows, err := report.List(c.Request.Context(), h.DB, auth.PrincipalOf(c), days, h.now(), report.ListOptions{Search: q, Sort: sort})
	if err != nil {
		h.fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "web.patients.list", 0, "patient_list", 0, auth.OutcomeOK)
	h.render(c, http.StatusOK, "list", page{Title: "Patients", Nav: "patients",
		Data: listData{Rows: rows, Days: days, Periods: report.Periods, Sort: sort, Query: q}})
}
