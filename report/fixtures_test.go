package report_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// now is the instant every report test stands at.
var now = time.Date(2026, 3, 31, 15, 0, 0, 0, time.UTC)

// addDoses inserts a regimen's doses at 08:00 and 20:00 in the patient's zone
// for the days days before now (up to today), with state(day, slot) deciding
// each: "taken", "late", "missed", "skipped", "outage", "double". Doses
// after now stay pending.
func addDoses(t testing.TB, db *gorm.DB, pt store.Patient, regimenID int64, days int, state func(day, slot int) string) {
	t.Helper()
	zone, _ := time.LoadLocation(pt.TimeZone)
	today := now.In(zone)
	var rows []store.DoseInstance
	for day := days; day >= 0; day-- {
		date := today.AddDate(0, 0, -day)
		for slot, h := range []int{8, 20} {
			at := time.Date(date.Year(), date.Month(), date.Day(), h, 0, 0, 0, zone).UTC()
			d := store.DoseInstance{PatientID: pt.ID, RegimenID: regimenID, ScheduledAt: at,
				LocalDate: date.Format(time.DateOnly), LocalTime: time.Date(0, 1, 1, h, 0, 0, 0, time.UTC).Format("15:04"),
				State: store.DosePending, CreatedAt: now, UpdatedAt: now}
			if at.Before(now.Add(-time.Hour)) {
				applyState(&d, state(day, slot), at)
			}
			rows = append(rows, d)
		}
	}
	if err := db.CreateInBatches(rows, 200).Error; err != nil {
		t.Fatalf("insert doses: %v", err)
	}
}

func applyState(d *store.DoseInstance, s string, at time.Time) {
	yes, no := true, false
	switch s {
	case "taken", "double":
		taken := at.Add(5 * time.Minute)
		d.State, d.OnTime, d.TakenAt, d.Source, d.DoubleDose = store.DoseTaken, &yes, &taken, "dispenser", s == "double"
	case "late":
		taken := at.Add(150 * time.Minute)
		d.State, d.OnTime, d.TakenAt, d.Source = store.DoseTaken, &no, &taken, "patient"
	case "outage":
		d.State, d.DuringOutage, d.MissedAt = store.DoseMissed, true, &at
	case "missed":
		d.State, d.MissedAt = store.DoseMissed, &at
	case "skipped":
		d.State, d.SkipReason = store.DoseSkipped, "felt sick"
	}
}

// mixed is a plausible pattern: mostly taken, some late, a 4-day holiday
// 20 days ago, a skipped evening now and then, outages and a double dose.
func mixed(day, slot int) string {
	switch {
	case day >= 17 && day <= 20:
		return "missed"
	case day%9 == 0 && slot == 1:
		return "skipped"
	case day%7 == 3 && slot == 0:
		return "late"
	case day == 5 && slot == 1:
		return "outage"
	case day == 12 && slot == 0:
		return "double"
	case day%11 == 4:
		return "missed"
	}
	return "taken"
}
