package schedule_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestHospitalStayExcludesAndPauses: the caregiver records a hospital stay
// from 07:00 to tomorrow 07:00; today's 08:00 and 20:00 doses are excluded
// (with history), no reminder goes out for them, and missing them opens no
// escalation. The dose after the stay is reminded as usual. Bad input and
// an admin's write are refused and change nothing.
func TestHospitalStayExcludesAndPauses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setupAPI(t, db, "abs")
		b.expand(t)
		path := fmt.Sprintf("/v1/patients/%d/absences", b.w.Patient.ID)
		for _, c := range []struct {
			who    store.User
			body   string
			status int
		}{
			{b.w.Caregiver, `{"kind":"holiday","starts_at":"2026-03-10T11:00:00Z","ends_at":"2026-03-11T11:00:00Z","reason":"x"}`, 400},
			{b.w.Caregiver, `{"kind":"away","starts_at":"2026-03-10T11:00:00Z","ends_at":"2026-03-09T11:00:00Z","reason":"x"}`, 400},
			{b.w.Caregiver, `{"kind":"away","starts_at":"2026-02-30T11:00:00Z","ends_at":"2026-03-11T11:00:00Z","reason":"x"}`, 400},
			{b.w.Caregiver, `{"kind":"away","starts_at":"2026-03-10T11:00:00Z","ends_at":"2026-03-11T11:00:00Z","reason":""}`, 400},
			{b.w.Admin, `{"kind":"away","starts_at":"2026-03-10T11:00:00Z","ends_at":"2026-03-11T11:00:00Z","reason":"x"}`, 403},
		} {
			if status, got := b.do(t, c.who, "POST", path, c.body); status != c.status {
				t.Fatalf("%s %s: %d %v", c.who.Email, c.body, status, got)
			}
		}
		status, got := b.do(t, b.w.Caregiver, "POST", path,
			`{"kind":"hospitalised","starts_at":"2026-03-10T11:00:00Z","ends_at":"2026-03-11T11:00:00Z","reason":"knee surgery"}`)
		if status != 201 || got["kind"] != "hospitalised" {
			t.Fatalf("record: %d %v", status, got)
		}
		var excluded int64
		db.Model(&store.DoseInstance{}).Where("regimen_id = ? AND excluded AND absence_id IS NOT NULL", b.w.Regimen.ID).Count(&excluded)
		if excluded != 2 {
			t.Fatalf("%d doses excluded, want today's 08:00 and 20:00", excluded)
		}
		for _, w := range [][2]time.Duration{{-time.Minute, 2 * time.Hour}, {12*time.Hour - time.Minute, 14 * time.Hour},
			{24*time.Hour - time.Minute, 24*time.Hour + 20*time.Minute}} {
			b.clk.Set(t0.Add(w[0]))
			b.run(t, t0.Add(w[1]))
		}
		var alerts, missed int64
		db.Model(&store.Alert{}).Count(&alerts)
		db.Model(&store.DoseInstance{}).Where("excluded AND state = ?", "missed").Count(&missed)
		// Only the dose after the stay (tomorrow 08:00) is reminded.
		equalLines(t, b.sent(t), []string{"08:00 reminder dose_reminder patient", "08:15 rereminder dose_rereminder patient"})
		if alerts != 0 || missed != 2 {
			t.Fatalf("%d escalations opened during a hospital stay (%d excluded doses missed)", alerts, missed)
		}
		status, got = b.do(t, b.w.PatientUsr, "GET", "/v1/me/absences", "")
		if items, _ := got["items"].([]any); status != 200 || len(items) != 1 {
			t.Fatalf("my absences: %d %v", status, got)
		}
		var hist int64
		db.Model(&store.DoseHistory{}).Where("to_state = ? AND source = ?", "excluded", "caregiver").Count(&hist)
		if hist != 2 {
			t.Fatalf("%d exclusion history rows", hist)
		}
	})
}
