package schedule

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// TestSetBasedPathsWriteTheSameRows: on Postgres the expansion's inserts
// and the sweep run as one statement per batch (insertDosesPG,
// sweepBatchPG). Two fresh databases get the same patients, regimens
// (unversioned, one critical, one 8-hourly), overlapping absences and a
// hospital stay, one patient with a ladder of their own; one is expanded
// and swept by the statement-by-statement paths SQLite uses, the other by
// the set-based ones. Every dose, history and alert row must be the same,
// ids included, and expanding again must write nothing.
func TestSetBasedPathsWriteTheSameRows(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 16, 30, 0, 0, time.UTC)
	type path struct {
		insert func(*gorm.DB, []doseRow, time.Time) error
		sweep  func(*gorm.DB, time.Time, int) (int, error)
	}
	var dumps [2]string
	for i, p := range []path{{insertDosesEach, sweepBatch}, {insertDosesPG, sweepBatchPG}} {
		db := storetest.Postgres(t)
		regs := setBasedWorld(t, db, now)
		for range 2 { // the second run must find every dose written
			if err := db.Transaction(func(tx *gorm.DB) error { return expandForTest(tx, regs, now, p.insert) }); err != nil {
				t.Fatal(err)
			}
		}
		for n := 3; n == 3; {
			if err := db.Transaction(func(tx *gorm.DB) (err error) { n, err = p.sweep(tx, now, 3); return err }); err != nil {
				t.Fatal(err)
			}
		}
		dumps[i] = dumpRows(t, db)
	}
	if dumps[0] != dumps[1] {
		t.Fatalf("statement by statement:\n%s\nset-based:\n%s", dumps[0], dumps[1])
	}
	for _, want := range []string{"excluded 2026", "pending missed", "missed_dose", "16:35:00Z"} {
		if !strings.Contains(dumps[1], want) {
			t.Errorf("the rows have no %q: the case is not covered", want)
		}
	}
}

// setBasedWorld seeds a World plus a second patient on a ladder of their
// own, and returns their regimens.
func setBasedWorld(t *testing.T, db *gorm.DB, now time.Time) []*store.Regimen {
	w := storetest.NewWorld(t, db, "sb", now.Add(-48*time.Hour))
	p2 := w.Patient
	p2.ID, p2.UserID, p2.EscalationPolicy = 0, nil, `{"steps":[{"after_min":5,"notify":"caregiver","order":1}]}`
	crit := store.Regimen{PatientID: w.Patient.ID, MedicationID: w.Medication.ID, DoseQuantity: 2, DoseUnit: "tablet",
		Timing: `{"frequency":1,"period":8,"periodUnit":"h"}`, GraceMin: 30, Critical: true,
		StartsAt: now.Add(-72*time.Hour + 7*time.Minute), CreatedAt: now.Add(-72 * time.Hour), UpdatedAt: now}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.Create(&p2).Error)
	must(db.Create(&crit).Error)
	other := w.Regimen
	other.ID, other.PatientID = 0, p2.ID
	must(db.Create(&other).Error)
	for _, a := range []store.PatientAbsence{
		{PatientID: w.Patient.ID, StartsAt: now.Add(-5 * time.Hour), EndsAt: now.Add(-4 * time.Hour), Reason: "ward", Kind: "hospitalised"},
		{PatientID: w.Patient.ID, StartsAt: now.Add(-20 * time.Hour), EndsAt: now.Add(-4 * time.Hour), Reason: "away", Kind: "away"},
		{PatientID: w.Patient.ID, StartsAt: now.Add(-10 * time.Hour), EndsAt: now.Add(10 * time.Hour), Reason: "away", Kind: "away"},
		{PatientID: p2.ID, StartsAt: now.Add(20 * time.Hour), EndsAt: now.Add(30 * time.Hour), Reason: "away", Kind: "away"},
	} {
		must(db.Create(&a).Error)
	}
	return []*store.Regimen{&w.Regimen, &crit, &other}
}

// expandForTest is extendPage with the dose writer chosen by the test,
// from a day back (overdue doses for the sweep) to two days ahead.
func expandForTest(tx *gorm.DB, regs []*store.Regimen, now time.Time, insert func(*gorm.DB, []doseRow, time.Time) error) error {
	var fresh []*store.Regimen
	for _, r := range regs {
		if r.CurrentVersionID == nil {
			fresh = append(fresh, r)
		}
	}
	if err := firstVersions(tx, fresh, now); err != nil {
		return err
	}
	var rows []doseRow
	for _, r := range regs {
		var pt store.Patient
		if err := tx.Take(&pt, r.PatientID).Error; err != nil {
			return err
		}
		s, err := SpanOf(r, &pt)
		if err != nil {
			return err
		}
		for _, o := range Expand(s, now.Add(-24*time.Hour), now.Add(DefaultHorizon)) {
			rows = append(rows, doseRow{PatientID: r.PatientID, RegimenID: r.ID, VersionID: *r.CurrentVersionID, Occurrence: o})
		}
	}
	if err := insert(tx, rows, now); err != nil {
		return err
	}
	return markExtended(tx, []int64{regs[0].ID, regs[1].ID, regs[2].ID}, fresh, now.Add(DefaultHorizon))
}

// dumpRows renders the rows the two paths write, one line each.
func dumpRows(t *testing.T, db *gorm.DB) string {
	out := ""
	for _, q := range []string{
		`SELECT id, patient_id, regimen_id, version_id, nominal_date, slot, scheduled_at, local_date, local_time, state,
			excluded, absence_id, during_outage, missed_at, created_at, updated_at FROM dose_instances ORDER BY id`,
		`SELECT id, dose_id, from_state, to_state, at, actor_user_id, dispenser_id, source, reason, corrects_id FROM dose_history ORDER BY id`,
		`SELECT id, patient_id, kind, dose_id, critical, opened_at, next_step, next_at, closed_at FROM alerts ORDER BY id`,
		`SELECT id, regimen_id, version, effective_from, created_by, created_at FROM regimen_versions ORDER BY id`,
		`SELECT id, current_version_id, expanded_until FROM regimens ORDER BY id`,
	} {
		rows, err := db.Raw(q).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				if tm, ok := v.(time.Time); ok {
					vals[i] = tm.UTC().Format(time.RFC3339Nano)
				} else if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
					vals[i] = string(rv.Bytes())
				}
			}
			out += fmt.Sprintln(vals...)
		}
		rows.Close()
	}
	return out
}
