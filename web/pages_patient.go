package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// figure is one number with its definition next to it.
type figure struct {
	ID, Name, Value, Def string
}

func figuresOf(f report.Figures, offlineMin int) []figure {
	return []figure{
		{"taking", "Taking adherence", pct(f.TakingAdherence), "doses taken / doses scheduled (" + strconv.Itoa(f.Taken) + " of " + strconv.Itoa(f.Scheduled) + ")"},
		{"timing", "Timing adherence", pct(f.TimingAdherence), "doses taken within the on-time window / doses scheduled"},
		{"correct", "Correct-dosing days", pct(f.CorrectDosing), "days with exactly the scheduled doses taken (" + strconv.Itoa(f.CorrectDays) + " of " + strconv.Itoa(f.Days) + ")"},
		{"pdc", "Days covered (PDC-style)", pct(f.PDC), "days on which every dose due was taken; adherent at " + funcs["thr"].(func(float64) string)(f.Threshold)},
		{"holidays", "Drug holidays", strconv.Itoa(f.DrugHolidays), "runs of 3+ days with nothing taken; longest gap " + strconv.Itoa(f.LongestGapDays) + " days"},
		{"persistence", "Persistence", strconv.Itoa(f.PersistenceDays) + " d", "days from the first dose taken to the last" + discontinued(f)},
		{"counts", "Missed / late / skipped / extra", strconv.Itoa(f.Missed) + " / " + strconv.Itoa(f.Late) + " / " + strconv.Itoa(f.Skipped) + " / " + strconv.Itoa(f.Extra), "late = taken outside the window; extra = double doses"},
		{"offline", "Dispenser offline", funcs["hours"].(func(int) string)(offlineMin), strconv.Itoa(f.Unconfirmed) + " misses while offline left out as unconfirmed"},
	}
}

func discontinued(f report.Figures) string {
	if f.Discontinued {
		return "; DISCONTINUED: nothing taken in the last 14 days"
	}
	return ""
}

type alertRow struct {
	ID             int64
	DoseID         *int64
	Kind           string
	Critical       bool
	OpenedAt       time.Time
	NextStep       int
	ClosedAt       *time.Time
	CloseReason    string
	AcknowledgedAt *time.Time
	AckName        string
	Notified       int
	Delivered      int
}

type missedRow struct {
	Dose       report.Dose
	Medication string
	Alert      *alertRow
}

type dispenserRow struct {
	store.Dispenser
	Offline bool
}

type patientData struct {
	Patient    *store.Patient
	Report     *report.PatientReport
	Figures    []figure
	Regimens   []regimenFigures
	Heat       heatMap
	Timing     timingChart
	Missed     []missedRow
	Dispensers []dispenserRow
	Days       int
	Periods    []int
	Zone       string
	Trend      trendChart
	Team       []string
	Caregivers []string
	Age        int
	Generated  string
}

type regimenFigures struct {
	report.RegimenReport
	Active bool
}

// patient loads the :id patient the caller may see; a foreign or missing
// patient is the same 404 page, and the refusal is audited.
func (h *Handler) patient(c *gin.Context, action string) (*store.Patient, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		h.errorPage(c, http.StatusNotFound, "No such patient.")
		return nil, false
	}
	pt, err := auth.LoadPatient(c.Request.Context(), h.DB, auth.PrincipalOf(c), id)
	if err != nil {
		auth.Audit(c, h.DB, action, id, "patient", id, auth.OutcomeDenied)
		h.fail(c, err)
		return nil, false
	}
	return pt, true
}

func zoneOf(pt *store.Patient) *time.Location {
	if z, err := time.LoadLocation(pt.TimeZone); err == nil {
		return z
	}
	return time.UTC
}

func (h *Handler) patientPage(c *gin.Context) {
	pt, ok := h.patient(c, "web.patient.view")
	if !ok {
		return
	}
	days := periodDays(c)
	rep, err := report.Load(c.Request.Context(), h.DB, pt, report.LastDays(days, zoneOf(pt), h.now()))
	if err != nil {
		h.fail(c, err)
		return
	}
	d := patientData{Patient: pt, Report: rep, Figures: figuresOf(rep.Overall, rep.OfflineMinutes), Days: days,
		Periods: report.Periods, Zone: pt.TimeZone, Heat: buildHeatMap(rep, zoneOf(pt)), Timing: buildTiming(rep.Doses)}
	for _, rr := range rep.Regimens {
		d.Regimens = append(d.Regimens, regimenFigures{rr, rr.Regimen.Active(h.now())})
	}
	if d.Missed, err = h.missed(c, pt, rep); err == nil {
		d.Dispensers, err = h.dispensers(c, pt)
	}
	if err == nil {
		d.Trend, err = h.trend(c, pt, rep)
	}
	if err == nil {
		d.Team, d.Caregivers, err = h.careCircle(c, pt)
	}
	d.Age, d.Generated = ageOn(pt.BirthDate, h.now()), h.now().In(zoneOf(pt)).Format("2006-01-02 15:04 MST")
	if err != nil {
		h.fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "web.patient.view", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	h.render(c, http.StatusOK, "patient", page{Title: pt.Name, Nav: "patients", Data: d})
}

// trendDays is the span of the weekly trend line, whatever period is shown.
const trendDays = 90

// trend plots the last 90 days week by week, reusing rep when it is that period.
func (h *Handler) trend(c *gin.Context, pt *store.Patient, rep *report.PatientReport) (trendChart, error) {
	if len(rep.Days) == 0 || rep.To.Sub(rep.From) < trendDays*24*time.Hour-time.Hour {
		var err error
		if rep, err = report.Load(c.Request.Context(), h.DB, pt, report.LastDays(trendDays, zoneOf(pt), h.now())); err != nil {
			return trendChart{}, err
		}
	}
	return buildTrend(rep.Days, rep.Overall.Threshold), nil
}

// ageOn is the age in whole years on now of someone born on birth (YYYY-MM-DD); 0 when unknown.
func ageOn(birth string, now time.Time) int {
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		return 0
	}
	age := now.Year() - b.Year()
	if now.YearDay() < b.YearDay() {
		age--
	}
	return age
}
