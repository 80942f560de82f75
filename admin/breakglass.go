package admin

import (
	"net/http"
	"strconv"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// listBreakGlass shows the clinic's emergency accesses, newest first, so
// admins can review each one and its reason.
func (h *Handler) listBreakGlass(c *gin.Context) {
	page, err := httpx.ParsePage(c)
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	q := h.DB.WithContext(c).Where("clinic_id = ?", auth.PrincipalOf(c).ClinicID).Order("id DESC").Limit(page.Limit + 1)
	if before, _ := strconv.ParseInt(page.Cursor, 10, 64); before > 0 {
		q = q.Where("id < ?", before)
	}
	var rows []store.BreakGlass
	if err := q.Find(&rows).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	out := httpx.List[auth.BreakGlassView]{Items: []auth.BreakGlassView{}}
	rows, out.NextCursor = httpx.Trim(rows, page, func(b store.BreakGlass) string { return strconv.FormatInt(b.ID, 10) })
	now := h.Clock.Now()
	for _, b := range rows {
		out.Items = append(out.Items, auth.ViewBreakGlass(b, now))
	}
	auth.Audit(c, h.DB, "admin.break_glass.list", 0, "break_glass", 0, auth.OutcomeOK)
	c.JSON(http.StatusOK, out)
}
