package report_test

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// The list's rollup agrees exactly with the per-dose computation after
// randomised histories, day by day (VerifyRollup) and figure by figure
// (List against the patient report's Compute), on both databases. The
// histories go through the real writers (people's takes and skips inside
// their window, late takes, the sweep, physician corrections, absences)
// and through plain UPDATEs, a writer the triggers must catch as well;
// the newest doses stay pending, some past their grace, unswept.
func TestRollupEqualsComputation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		for seed := int64(1); seed <= 4; seed++ {
			h := newHistory(t, db, seed)
			h.play()
			if bad, err := report.VerifyRollup(context.Background(), db); err != nil || len(bad) > 0 {
				t.Fatalf("seed %d: rollup differs from the doses on %v (err %v)", seed, bad, err)
			}
			h.compareList()
		}
	})
}

type history struct {
	t     *testing.T
	db    *gorm.DB
	rnd   *rand.Rand
	w     *storetest.World
	pts   []store.Patient
	sched *schedule.Scheduler
	doc   schedule.Actor
}

func newHistory(t *testing.T, db *gorm.DB, seed int64) *history {
	w := storetest.NewWorld(t, db, fmt.Sprintf("rollup%d", seed), now)
	h := &history{t: t, db: db, rnd: rand.New(rand.NewSource(seed)), w: w, pts: []store.Patient{w.Patient},
		sched: schedule.New(db, clock.NewFake(now)), doc: schedule.Actor{UserID: &w.Physician.ID, Source: store.SourcePhysician}}
	addDoses(t, db, w.Patient, w.Regimen.ID, 40, func(int, int) string { return "" })
	// A second patient half a world away (UTC+5:45), with a second regimen.
	far := store.Patient{ClinicID: w.Clinic.ID, Name: "Kiran Far", TimeZone: "Asia/Kathmandu", HomeTimeZone: "Asia/Kathmandu",
		TravelPolicy: "home", CreatedAt: now, UpdatedAt: now}
	must(t, db.Create(&far).Error)
	must(t, db.Create(&store.CareTeamMember{PatientID: far.ID, PhysicianID: w.Physician.ID, CreatedAt: now}).Error)
	for range 2 {
		reg := w.Regimen
		reg.ID, reg.PatientID, reg.CurrentVersionID = 0, far.ID, nil
		must(t, db.Create(&reg).Error)
		addDoses(t, db, far, reg.ID, 40, func(int, int) string { return "" })
	}
	h.pts = append(h.pts, far)
	return h
}

// play walks the days in order, as the doses would have happened.
func (h *history) play() {
	var doses []store.DoseInstance
	must(h.t, h.db.Where("patient_id IN ? AND scheduled_at < ?", []int64{h.pts[0].ID, h.pts[1].ID}, now).
		Order("scheduled_at, id").Find(&doses).Error)
	for i, d := range doses {
		h.act(d)
		if i%17 == 0 && d.ScheduledAt.Before(now.Add(-6*time.Hour)) {
			if _, err := h.sched.SweepMissed(context.Background(), d.ScheduledAt); err != nil {
				h.t.Fatal(err)
			}
		}
	}
	h.afterwards(doses)
}

// act records what the patient did with one dose, at the time they did it.
func (h *history) act(d store.DoseInstance) {
	at := d.ScheduledAt
	must(h.t, h.db.First(&d, d.ID).Error) // a sweep may have changed it
	var err error
	switch n := h.rnd.Intn(10); {
	case n < 5:
		err = h.tx(func(tx *gorm.DB) error {
			return schedule.Take(tx, &d, at.Add(time.Duration(h.rnd.Intn(120))*time.Minute), patientActor, at.Add(2*time.Hour))
		})
	case n < 6:
		err = h.tx(func(tx *gorm.DB) error { return schedule.Skip(tx, &d, "nausea", patientActor, at.Add(time.Hour)) })
	case n < 7 && d.ScheduledAt.Before(now.Add(-30*time.Hour)):
		h.sweepTo(at.Add(3 * time.Hour)) // missed first, then taken late
		must(h.t, h.db.First(&d, d.ID).Error)
		late := at.Add(5 * time.Hour)
		err = h.tx(func(tx *gorm.DB) error { return schedule.Take(tx, &d, late, patientActor, late) })
	}
	if err != nil {
		h.t.Fatalf("dose %d at %s: %v", d.ID, at, err)
	}
}

var patientActor = schedule.Actor{Source: store.SourcePatient}

func (h *history) sweepTo(at time.Time) {
	if _, err := h.sched.SweepMissed(context.Background(), at); err != nil {
		h.t.Fatal(err)
	}
}

func (h *history) tx(fn func(tx *gorm.DB) error) error { return h.db.Transaction(fn) }

// afterwards: corrections, an absence, an outage flag and edits no writer
// of the application makes, then one regimen briefly as-needed.
func (h *history) afterwards(doses []store.DoseInstance) {
	h.sweepTo(now.Add(-6 * time.Hour))
	for range 12 {
		d := doses[h.rnd.Intn(len(doses)-8)]
		must(h.t, h.db.First(&d, d.ID).Error)
		c := schedule.Correction{State: []string{store.DoseTaken, store.DoseSkipped, store.DoseMissed}[h.rnd.Intn(3)], Reason: "pharmacy count"}
		taken := d.ScheduledAt.Add(40 * time.Minute)
		c.TakenAt = &taken
		if d.State != store.DosePending {
			must(h.t, h.tx(func(tx *gorm.DB) error { return schedule.Correct(tx, &d, c, h.doc, now) }))
		}
	}
	start := now.AddDate(0, 0, -h.rnd.Intn(20)-3)
	ab := store.PatientAbsence{PatientID: h.pts[h.rnd.Intn(2)].ID, Kind: store.AbsenceAway, StartsAt: start,
		EndsAt: start.Add(time.Duration(20+h.rnd.Intn(40)) * time.Hour), Reason: "trip", CreatedAt: &now}
	must(h.t, h.tx(func(tx *gorm.DB) error { return schedule.RecordAbsence(tx, &ab, h.doc, now) }))
	ids := []int64{doses[h.rnd.Intn(len(doses))].ID, doses[h.rnd.Intn(len(doses))].ID, doses[h.rnd.Intn(len(doses))].ID}
	must(h.t, h.db.Exec("UPDATE dose_instances SET during_outage = ? WHERE id IN ? AND state = 'missed'", true, ids).Error)
	must(h.t, h.db.Exec("UPDATE dose_instances SET on_time = ? WHERE id = ? AND state = 'taken'", false, ids[0]).Error)
	var d store.DoseInstance
	must(h.t, h.db.First(&d, ids[1]).Error)
	h.editAndBack("UPDATE dose_instances SET local_date = ? WHERE id = ?", "2026-03-20", d.LocalDate, d.ID)
	h.editAndBack("UPDATE regimens SET as_needed = ? WHERE id = ?", true, false, h.w.Regimen.ID)
}

// editAndBack sets a column to on, checks the rollup, and sets it back to off.
func (h *history) editAndBack(sql string, on, off any, id int64) {
	must(h.t, h.db.Exec(sql, on, id).Error)
	if bad, err := report.VerifyRollup(context.Background(), h.db); err != nil || len(bad) > 0 {
		h.t.Fatalf("after %s: rollup differs on %v (err %v)", sql, bad, err)
	}
	must(h.t, h.db.Exec(sql, off, id).Error)
}

// compareList checks each list row against the patient report of the same window.
func (h *history) compareList() {
	ctx := context.Background()
	for _, days := range report.Periods {
		rows, err := report.List(ctx, h.db, principal(h.w.Physician), days, now, report.ListOptions{})
		must(h.t, err)
		for _, row := range rows {
			pt := h.patient(row.PatientID)
			p := report.LastDays(days, report.PatientZone(&pt), now)
			rep, err := report.Load(ctx, h.db, &pt, p)
			must(h.t, err)
			prev, err := report.Load(ctx, h.db, &pt, p.Previous())
			must(h.t, err)
			o := rep.Overall
			got := fmt.Sprint(row.Scheduled, row.Taken, row.Missed, row.Skipped, f(row.TakingAdherence), f(row.TimingAdherence), f(row.PDC), row.Flags.HolidayNow, f(row.Previous))
			want := fmt.Sprint(o.Scheduled, o.Taken, o.Missed, o.Skipped, f(o.TakingAdherence), f(o.TimingAdherence), f(o.PDC), o.HolidayNow, f(prev.Overall.TakingAdherence))
			if got != want {
				h.t.Errorf("%dd %s: list %s, patient report %s", days, pt.Name, got, want)
			}
		}
	}
}

func (h *history) patient(id int64) store.Patient {
	for _, p := range h.pts {
		if p.ID == id {
			return p
		}
	}
	h.t.Fatalf("patient %d is not on the list's care team", id)
	return store.Patient{}
}

func f(p *float64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%.6f", *p)
}
