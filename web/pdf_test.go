package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/store/storetest"
)

// The PDF report is rendered on the server for the care team only, is a
// real PDF, and its download is audited; another clinic's admin gets 404.
func TestPatientPDF(t *testing.T) {
	t.Parallel()
	b := setup(t, storetest.SQLite(t))
	other := storetest.NewWorld(t, b.db, "elsewhere", now)
	c := b.client(t)
	c.login(b.w.Physician.Email)
	path := fmt.Sprintf("/web/patients/%d/report.pdf?period=90d", b.w.Patient.ID)
	res, body := c.get(path)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") || len(body) < 1500 {
		t.Fatalf("PDF: %d %s, %d bytes starting %.8q", res.StatusCode, res.Header.Get("Content-Type"), len(body), body)
	}
	if !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Error("the PDF is not offered as a download")
	}
	if audits(t, b.db, "web.patient.pdf") != 1 {
		t.Error("PDF download not audited")
	}
	o := b.client(t)
	o.login(other.Admin.Email)
	if res, _ := o.get(path); res.StatusCode != 404 {
		t.Errorf("another clinic's admin: %d, want 404", res.StatusCode)
	}
}
