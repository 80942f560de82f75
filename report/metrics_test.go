package report

import (
	"fmt"
	"math"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// week builds regimen 1's doses at 08:00 and 20:00 UTC for n days from t0;
// state(day, slot) decides each dose ("taken", "late", "missed", "skipped",
// "double", "outage", "pending", "cancelled").
func week(n int, state func(day, slot int) string) []Dose {
	var out []Dose
	for day := 0; day < n; day++ {
		for slot, h := range []int{8, 20} {
			at := t0.AddDate(0, 0, day).Add(time.Duration(h) * time.Hour)
			d := Dose{ID: int64(len(out) + 1), RegimenID: 1, ScheduledAt: at, LocalDate: at.Format(time.DateOnly), State: "taken"}
			yes, no := true, false
			switch state(day, slot) {
			case "taken":
				d.OnTime, d.TakenAt = &yes, &at
			case "late":
				late := at.Add(3 * time.Hour)
				d.OnTime, d.TakenAt = &no, &late
			case "double":
				d.OnTime, d.TakenAt, d.DoubleDose = &yes, &at, true
			case "outage":
				d.State, d.DuringOutage = "missed", true
			default:
				d.State = state(day, slot)
			}
			out = append(out, d)
		}
	}
	return out
}

func allTaken(int, int) string { return "taken" }

func period(days int) Input {
	return Input{Period: Interval{t0, t0.AddDate(0, 0, days)}, Threshold: ThresholdDefault}
}

func TestCompute(t *testing.T) {
	t.Parallel()
	type want struct {
		scheduled, taken, onTime, late, missed, skipped, extra, notYetDue, excused, unconfirmed int
		taking, timing, pdc                                                                     float64 // -1 = nil
		days, correct, covered, holidays, longest, persistence                                  int
		adherent, holidayNow, discontinued                                                      bool
	}
	cases := []struct {
		name  string
		doses []Dose
		in    Input
		want  want
	}{
		{"perfect week", week(7, allTaken), period(7),
			want{14, 14, 14, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 7, 7, 7, 0, 0, 7, true, false, false}},
		// Days 1-3 missed (one drug holiday of 3 days), day 4 morning late.
		{"holiday then back", week(7, func(d, s int) string {
			if d < 3 {
				return "missed"
			}
			if d == 3 && s == 0 {
				return "late"
			}
			return "taken"
		}), period(7),
			want{14, 8, 7, 1, 6, 0, 0, 0, 0, 0, 8.0 / 14, 7.0 / 14, 4.0 / 7, 7, 4, 4, 1, 3, 4, false, false, false}},
		// The last three days missed: a holiday that is still going on.
		{"holiday now", week(7, func(d, s int) string {
			if d >= 4 {
				return "missed"
			}
			return "taken"
		}), period(7),
			want{14, 8, 8, 0, 6, 0, 0, 0, 0, 0, 8.0 / 14, 8.0 / 14, 4.0 / 7, 7, 4, 4, 1, 3, 4, false, true, false}},
		// A double dose covers the day but is not "correct dosing".
		{"double dose", week(7, func(d, s int) string {
			if d == 1 && s == 0 {
				return "double"
			}
			return "taken"
		}), period(7),
			want{14, 14, 14, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 7, 6, 7, 0, 0, 7, true, false, false}},
		// One skipped dose: in the denominator, not taken; 6/7 days covered
		// is adherent at 80% ...
		{"skipped at 80%", week(7, func(d, s int) string {
			if d == 2 && s == 1 {
				return "skipped"
			}
			return "taken"
		}), period(7),
			want{14, 13, 13, 0, 0, 1, 0, 0, 0, 0, 13.0 / 14, 13.0 / 14, 6.0 / 7, 7, 6, 6, 0, 0, 7, true, false, false}},
		// ... but not at the 90% antiretroviral threshold.
		{"skipped at 90%", week(7, func(d, s int) string {
			if d == 2 && s == 1 {
				return "skipped"
			}
			return "taken"
		}), Input{Period: period(7).Period, Threshold: ThresholdAntiretroviral},
			want{14, 13, 13, 0, 0, 1, 0, 0, 0, 0, 13.0 / 14, 13.0 / 14, 6.0 / 7, 7, 6, 6, 0, 0, 7, false, false, false}},
		// Outage misses, pending and cancelled doses are left out entirely;
		// the day with only an outage miss and a pending dose has no counted dose.
		{"not due and offline", week(7, func(d, s int) string {
			switch {
			case d == 6 && s == 0:
				return "outage"
			case d == 6 && s == 1:
				return "pending"
			case d == 5 && s == 1:
				return "cancelled"
			}
			return "taken"
		}), Input{Period: period(7).Period, AsOf: t0.AddDate(0, 0, 6).Add(19 * time.Hour), Threshold: ThresholdDefault},
			want{11, 11, 11, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 6, 6, 6, 0, 0, 6, true, false, false}},
		// Days 2-3 in hospital: excused, and the gap breaks the holiday run
		// (days 0-1 and 4 missed are two runs shorter than 3).
		{"absence", week(5, func(d, s int) string {
			if d == 0 || d == 1 || d == 4 {
				return "missed"
			}
			return "taken"
		}), Input{Period: period(5).Period, Threshold: ThresholdDefault,
			Absences: []Interval{{t0.AddDate(0, 0, 2), t0.AddDate(0, 0, 4)}}},
			want{6, 0, 0, 0, 6, 0, 0, 0, 4, 0, 0, 0, 0, 3, 0, 0, 0, 2, 0, false, true, true}},
		// Taken for 5 days then nothing for 16: one long holiday, discontinued.
		{"discontinued", week(21, func(d, s int) string {
			if d < 5 {
				return "taken"
			}
			return "missed"
		}), period(21),
			want{42, 10, 10, 0, 32, 0, 0, 0, 0, 0, 10.0 / 42, 10.0 / 42, 5.0 / 21, 21, 5, 5, 1, 16, 5, false, true, true}},
		{"nothing due", nil, period(7),
			want{taking: -1, timing: -1, pdc: -1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := Compute(tc.doses, tc.in)
			w := tc.want
			gotCounts := []int{f.Scheduled, f.Taken, f.OnTime, f.Late, f.Missed, f.Skipped, f.Extra, f.NotYetDue, f.Excused, f.Unconfirmed,
				f.Days, f.CorrectDays, f.CoveredDays, f.DrugHolidays, f.LongestGapDays, f.PersistenceDays}
			wantCounts := []int{w.scheduled, w.taken, w.onTime, w.late, w.missed, w.skipped, w.extra, w.notYetDue, w.excused, w.unconfirmed,
				w.days, w.correct, w.covered, w.holidays, w.longest, w.persistence}
			if fmt.Sprint(gotCounts) != fmt.Sprint(wantCounts) {
				t.Errorf("counts\n got %v\nwant %v\n(scheduled taken onTime late missed skipped extra notYetDue excused unconfirmed days correct covered holidays longest persistence)", gotCounts, wantCounts)
			}
			checkRatio(t, "taking", f.TakingAdherence, w.taking)
			checkRatio(t, "timing", f.TimingAdherence, w.timing)
			checkRatio(t, "pdc", f.PDC, w.pdc)
			if w.pdc >= 0 && (f.Adherent == nil || *f.Adherent != w.adherent) {
				t.Errorf("adherent = %v, want %v", f.Adherent, w.adherent)
			}
			if f.HolidayNow != w.holidayNow || f.Discontinued != w.discontinued {
				t.Errorf("holidayNow, discontinued = %v, %v; want %v, %v", f.HolidayNow, f.Discontinued, w.holidayNow, w.discontinued)
			}
		})
	}
}

func checkRatio(t *testing.T, name string, got *float64, want float64) {
	t.Helper()
	switch {
	case want < 0 && got != nil:
		t.Errorf("%s = %v, want none", name, *got)
	case want >= 0 && got == nil:
		t.Errorf("%s = none, want %.4f", name, want)
	case want >= 0 && math.Abs(*got-want) > 1e-9:
		t.Errorf("%s = %.4f, want %.4f", name, *got, want)
	}
}

// Two regimens on one day: an extra dose of one drug does not cover a missed
// dose of the other.
func TestDayNeedsEveryRegimen(t *testing.T) {
	t.Parallel()
	yes := true
	at := t0.Add(8 * time.Hour)
	doses := []Dose{
		{RegimenID: 1, ScheduledAt: at, LocalDate: "2026-03-01", State: "taken", OnTime: &yes, TakenAt: &at, DoubleDose: true},
		{RegimenID: 2, ScheduledAt: at, LocalDate: "2026-03-01", State: "missed"},
	}
	f := Compute(doses, period(1))
	if f.CoveredDays != 0 || f.CorrectDays != 0 || f.Days != 1 {
		t.Fatalf("covered %d correct %d days %d; want 0 0 1", f.CoveredDays, f.CorrectDays, f.Days)
	}
	days := Days(doses, period(1))
	if len(days) != 1 || days[0].Due != 2 || days[0].Taken != 1 {
		t.Fatalf("days = %+v", days)
	}
}
