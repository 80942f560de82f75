package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/report"
	"github.com/gin-gonic/gin"
	"github.com/go-pdf/fpdf"
)

// reportPDF renders the patient's adherence report as a PDF on the server
// (go-pdf/fpdf, no browser): the same header, figures and definitions as
// the page, for the chart or a referral letter.
func (h *Handler) reportPDF(c *gin.Context) {
	pt, ok := h.patient(c, "web.patient.pdf")
	if !ok {
		return
	}
	days := periodDays(c)
	rep, err := report.Load(c.Request.Context(), h.DB, pt, report.LastDays(days, zoneOf(pt), h.now()))
	var team, caregivers []string
	if err == nil {
		team, caregivers, err = h.careCircle(c, pt)
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	zone := zoneOf(pt)
	doc := newPDF()
	doc.title(pt.Name)
	doc.line(fmt.Sprintf("Born %s · Record no. DL-%06d · Time zone %s", orNone(pt.BirthDate), pt.ID, pt.TimeZone))
	doc.line("Care team: " + joinOr(team) + " · Caregivers: " + joinOr(caregivers))
	doc.line(fmt.Sprintf("Period: last %d days, %s to %s · Generated %s", days, rep.From.In(zone).Format("2006-01-02"),
		rep.To.In(zone).AddDate(0, 0, -1).Format("2006-01-02"), h.now().In(zone).Format("2006-01-02 15:04 MST")))
	doc.rule()
	doc.heading("All scheduled medication")
	for _, f := range figuresOf(rep.Overall, rep.OfflineMinutes) {
		doc.figure(f.Name, f.Value, f.Def)
	}
	doc.heading("Per medication")
	for _, rr := range rep.Regimens {
		doc.regimen(rr)
	}
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		h.fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "web.patient.pdf", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	c.Header("Content-Disposition", `attachment; filename="doseloop-report-`+strconv.FormatInt(pt.ID, 10)+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", buf.Bytes())
}

// pdfDoc is an A4 report page writer with a translator for accented names.
type pdfDoc struct {
	*fpdf.Fpdf
	tr func(string) string
}

func newPDF() *pdfDoc {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(18, 18, 18)
	f.SetCreator("DoseLoop", true)
	f.AddPage()
	return &pdfDoc{Fpdf: f, tr: f.UnicodeTranslatorFromDescriptor("")}
}

func (d *pdfDoc) title(s string) {
	d.SetFont("Helvetica", "B", 18)
	d.CellFormat(0, 10, d.tr(s), "", 1, "", false, 0, "")
}

func (d *pdfDoc) line(s string) {
	d.SetFont("Helvetica", "", 10)
	d.MultiCell(0, 5, d.tr(s), "", "", false)
}

func (d *pdfDoc) rule() {
	x, y := d.GetXY()
	d.Line(x, y+2, 192, y+2)
	d.Ln(5)
}

func (d *pdfDoc) heading(s string) {
	d.Ln(3)
	d.SetFont("Helvetica", "B", 13)
	d.CellFormat(0, 8, d.tr(s), "", 1, "", false, 0, "")
}

// figure writes one number with its definition beside it.
func (d *pdfDoc) figure(name, value, def string) {
	d.SetFont("Helvetica", "B", 10)
	d.CellFormat(62, 6, d.tr(name), "", 0, "", false, 0, "")
	d.CellFormat(28, 6, d.tr(value), "", 0, "R", false, 0, "")
	d.SetFont("Helvetica", "", 8)
	d.MultiCell(0, 6, d.tr("  "+def), "", "", false)
}

func (d *pdfDoc) regimen(rr report.RegimenReport) {
	r := rr.Regimen
	d.SetFont("Helvetica", "B", 10)
	d.MultiCell(0, 6, d.tr(fmt.Sprintf("%s %s: %g %s %s", r.Medication, r.Strength, r.DoseQuantity, r.DoseUnit, report.DescribeTiming(r.Timing))), "", "", false)
	d.SetFont("Helvetica", "", 9)
	if f := rr.Figures; f != nil {
		d.MultiCell(0, 5, d.tr(fmt.Sprintf("Taking %s · Timing %s · Days covered %s (threshold %.0f%%) · Missed %d · Late %d · Skipped %d",
			pct(f.TakingAdherence), pct(f.TimingAdherence), pct(f.PDC), f.Threshold*100, f.Missed, f.Late, f.Skipped)), "", "", false)
	} else {
		d.MultiCell(0, 5, d.tr(fmt.Sprintf("As needed: %d doses logged", rr.PRNTaken)), "", "", false)
	}
}

func orNone(s string) string {
	if s == "" {
		return "not recorded"
	}
	return s
}

func joinOr(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return orNone(out)
}
