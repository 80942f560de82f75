package mobileapi

import (
	"net/http"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// AdherenceDefinition names what the summary's ratio means (figures differ
// by 20 points between definitions, so it is always shown). The counting
// rules are report's (report/doc.go): this summary calls report.Compute.
const AdherenceDefinition = "taking adherence = doses taken / doses scheduled, excluding doses not yet due, " +
	"pending doses (due, inside their grace period), doses while away and misses an offline dispenser could not confirm"

// AdherenceWindow is the summary of the last Days local calendar days.
type AdherenceWindow struct {
	Days      int    `json:"days"`
	From      string `json:"from"` // first local date
	To        string `json:"to"`   // last local date: today
	Scheduled int    `json:"scheduled"`
	Taken     int    `json:"taken"`
	OnTime    int    `json:"on_time"`
	Skipped   int    `json:"skipped"`
	Missed    int    `json:"missed"`
	Pending   int    `json:"pending"`
	// TakingAdherence is Taken/Scheduled, null when nothing was due.
	TakingAdherence *float64 `json:"taking_adherence"`
}

// AdherenceSummary is a patient's own adherence over 7, 30 and 90 days.
type AdherenceSummary struct {
	Definition       string            `json:"definition"`
	WindowDefinition string            `json:"window_definition"`
	TimeZone         string            `json:"time_zone"`
	AsOf             time.Time         `json:"as_of"`
	Windows          []AdherenceWindow `json:"windows"`
}

// GET /v1/me/adherence
func (a *API) handleAdherence(c *gin.Context) {
	pt, err := auth.OwnPatient(c.Request.Context(), a.DB, auth.PrincipalOf(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	now, zone := a.Clock.Now(), report.PatientZone(pt)
	widest := report.LastDays(90, zone, now)
	all, err := report.LoadDoses(c.Request.Context(), a.DB, pt.ID, widest.Interval())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	var doses []report.Dose // scheduled doses only: as-needed logs have no denominator
	for _, d := range all {
		if !d.AsNeeded {
			doses = append(doses, d)
		}
	}
	var absences []store.PatientAbsence
	if err := a.db(c).Where("patient_id = ? AND ends_at > ?", pt.ID, widest.FromUTC).Find(&absences).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, a.DB, "adherence.read", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	c.JSON(http.StatusOK, summarize(doses, absences, zone, now))
}

// summarize computes the 7/30/90-day windows with report's definitions.
func summarize(doses []report.Dose, absences []store.PatientAbsence, zone *time.Location, now time.Time) AdherenceSummary {
	s := AdherenceSummary{Definition: AdherenceDefinition, WindowDefinition: report.WindowDefinition, TimeZone: zone.String(), AsOf: now.UTC()}
	away := make([]report.Interval, len(absences))
	for i, a := range absences {
		away[i] = report.Interval{From: a.StartsAt, To: a.EndsAt}
	}
	for _, days := range report.Periods {
		w := report.LastDays(days, zone, now)
		f := report.Compute(doses, report.Input{Period: w.Interval(), AsOf: w.AsOf, Zone: zone, Absences: away, Threshold: report.ThresholdDefault})
		s.Windows = append(s.Windows, AdherenceWindow{Days: days, From: w.From, To: w.To, Scheduled: f.Scheduled, Taken: f.Taken,
			OnTime: f.OnTime, Skipped: f.Skipped, Missed: f.Missed, Pending: f.Pending, TakingAdherence: f.TakingAdherence})
	}
	return s
}
