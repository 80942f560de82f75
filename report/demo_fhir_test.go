package report_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/seed"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// Every demo patient's export (PRN regimens, several zones, double doses,
// outages, a month of history) is valid FHIR R4, over 90 days and a from/to
// range (first patient), with and without a public URL.
func TestDemoExportsAreValidFHIR(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		must(t, func() error { _, err := seed.Seed(ctx, db, now); return err }())
		must(t, seed.History(ctx, db, now))
		var pts []store.Patient
		must(t, db.Order("id").Find(&pts).Error)
		if len(pts) < 3 {
			t.Fatalf("%d demo patients", len(pts))
		}
		for n, pt := range pts {
			windows := []report.Window{report.LastDays(90, report.PatientZone(&pt), now)}
			if n == 0 { // the schema check is slow: one from/to range is enough
				windows = append(windows, mustWindow(t, "2026-03-10", "2026-03-20", &pt))
			}
			for i, w := range windows {
				rep, err := report.Load(ctx, db, &pt, w)
				must(t, err)
				opt := report.FHIROptions{Now: now}
				if i == 1 {
					opt.PublicURL = "https://doseloop.example.org"
				}
				body, err := json.Marshal(report.FHIRBundle(&pt, rep, opt))
				must(t, err)
				validateFHIR(t, body)
			}
		}
	})
}

func mustWindow(t *testing.T, from, to string, pt *store.Patient) report.Window {
	w, err := report.ParseWindow("", from, to, report.PatientZone(pt), now)
	must(t, err)
	return w
}
