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
	Rows    []report.ListRow // this page's rows
	Days    int
	Periods []int
	Sort    string
	Query   string
	Page    listPage
}

// listPageSize is how many patients one list page shows: the whole list is
// computed (to sort it) but a clinic of 10,000 patients is not one page.
const listPageSize = 100

// listPage places a page in the sorted list: 1-based page number, the
// 1-based positions of its first and last rows, and the total.
type listPage struct {
	Number, Pages, First, Last, Total int
}

// paginate cuts rows to page n (clamped to the pages there are).
func paginate(rows []report.ListRow, n int) ([]report.ListRow, listPage) {
	pages := max(1, (len(rows)+listPageSize-1)/listPageSize)
	n = min(max(n, 1), pages)
	from, to := (n-1)*listPageSize, min(n*listPageSize, len(rows))
	return rows[from:to], listPage{Number: n, Pages: pages, First: from + 1, Last: to, Total: len(rows)}
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
	n, _ := strconv.Atoi(c.Query("page"))
	rows, pg := paginate(rows, n)
	h.render(c, http.StatusOK, "list", page{Title: "Patients", Nav: "patients",
		Data: listData{Rows: rows, Days: days, Periods: report.Periods, Sort: sort, Query: q, Page: pg}})
}
