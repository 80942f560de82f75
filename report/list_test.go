package report_test

import (
	"context"
	"math"
	"testing"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

func principal(u store.User) auth.Principal {
	return auth.Principal{UserID: u.ID, Role: u.Role, ClinicID: u.ClinicID}
}

func same(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return math.Abs(*a-*b) < 1e-9
}

// The list's SQL aggregation agrees with Compute over the same doses, shows
// only the physician's patients, and runs the same number of queries for 2
// patients as for 8.
func TestListAgreesWithPatientReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		w := storetest.NewWorld(t, db, "list", now)
		addDoses(t, db, w.Patient, w.Regimen.ID, 65, mixed)
		hosp := store.PatientAbsence{PatientID: w.Patient.ID, Kind: store.AbsenceHospitalised, StartsAt: now.AddDate(0, 0, -9),
			EndsAt: now.AddDate(0, 0, -7), Reason: "hospital", CreatedAt: &now}
		if err := schedule.RecordAbsence(db, &hosp, schedule.System, now); err != nil {
			t.Fatal(err)
		}
		second := store.Patient{ClinicID: w.Clinic.ID, Name: "Bea Second", TimeZone: "Europe/Berlin", HomeTimeZone: "Europe/Berlin", TravelPolicy: "home", CreatedAt: now, UpdatedAt: now}
		db.Create(&second)
		db.Create(&store.CareTeamMember{PatientID: second.ID, PhysicianID: w.Physician.ID, CreatedAt: now})
		reg := w.Regimen
		reg.ID, reg.PatientID = 0, second.ID
		db.Create(&reg)
		addDoses(t, db, second, reg.ID, 65, func(d, s int) string {
			if d < 12 {
				return "missed"
			}
			return "taken"
		})
		foreign := storetest.NewWorld(t, db, "foreign", now)
		addDoses(t, db, foreign.Patient, foreign.Regimen.ID, 10, mixed)

		counted, count := report.CountQueries(db)
		for _, days := range report.Periods {
			rows, err := report.List(ctx, db, principal(w.Physician), days, now, report.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 2 {
				t.Fatalf("%dd: list has %d rows, want the 2 care-team patients", days, len(rows))
			}
			for _, row := range rows {
				pt := w.Patient
				if row.PatientID == second.ID {
					pt = second
				}
				p := report.LastDays(days, report.PatientZone(&pt), now)
				rep, err := report.Load(ctx, db, &pt, p)
				if err != nil {
					t.Fatal(err)
				}
				prev, _ := report.Load(ctx, db, &pt, p.Previous())
				if row.WindowFrom != p.From || row.WindowTo != p.To || row.TimeZone != pt.TimeZone {
					t.Errorf("%dd %s: row window %s..%s %s, want %s..%s", days, pt.Name, row.WindowFrom, row.WindowTo, row.TimeZone, p.From, p.To)
				}
				o := rep.Overall
				if row.Scheduled != o.Scheduled || row.Taken != o.Taken || !same(row.TakingAdherence, o.TakingAdherence) ||
					!same(row.TimingAdherence, o.TimingAdherence) || !same(row.PDC, o.PDC) ||
					row.Flags.HolidayNow != o.HolidayNow || !same(row.Previous, prev.Overall.TakingAdherence) {
					t.Errorf("%dd %s: list %+v disagrees with report %+v", days, pt.Name, row, o)
				}
			}
			if days == 30 && (!rows[0].Flags.HolidayNow || rows[0].PatientID != second.ID || rows[0].Trend != "down") {
				t.Errorf("30d: worst first should be Bea (holiday now, trending down); got %+v", rows[0])
			}
		}
		// No N+1: more patients, same number of queries.
		count.Reset()
		report.List(ctx, counted, principal(w.Physician), 30, now, report.ListOptions{})
		few := count.Count()
		for i := 0; i < 6; i++ {
			pt := store.Patient{ClinicID: w.Clinic.ID, Name: "Extra", TimeZone: "UTC", HomeTimeZone: "UTC", TravelPolicy: "home", CreatedAt: now, UpdatedAt: now}
			db.Create(&pt)
			db.Create(&store.CareTeamMember{PatientID: pt.ID, PhysicianID: w.Physician.ID, CreatedAt: now})
		}
		count.Reset()
		rows, _ := report.List(ctx, counted, principal(w.Physician), 30, now, report.ListOptions{Search: "BEA"})
		if count.Count() != few || few > 3 {
			t.Errorf("list ran %d queries with 8 patients, %d with 2", count.Count(), few)
		}
		if len(rows) != 1 || rows[0].Name != "Bea Second" {
			t.Errorf("search BEA = %+v", rows)
		}
	})
}
