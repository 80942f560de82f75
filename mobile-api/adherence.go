package mobileapi

import (
	"net/http"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// AdherenceDefinition names what the summary's ratio means (figures differ
// by 20 points between definitions, so it is always shown).
const AdherenceDefinition = "taking adherence = doses taken / doses scheduled, excluding doses not yet due"

// AdherenceWindow is the summary of the last Days days.
type AdherenceWindow struct {
	Days      int `json:"days"`
	Scheduled int `json:"scheduled"`
	Taken     int `json:"taken"`
	OnTime    int `json:"on_time"`
	Skipped   int `json:"skipped"`
	Missed    int `json:"missed"`
	// TakingAdherence is Taken/Scheduled, null when nothing was due.
	TakingAdherence *float64 `json:"taking_adherence"`
}

// AdherenceSummary is a patient's own adherence over 7, 30 and 90 days.
type AdherenceSummary struct {
	Definition string            `json:"definition"`
	AsOf       time.Time         `json:"as_of"`
	Windows    []AdherenceWindow `json:"windows"`
}

// summaryRow is what the summary needs of one dose.
type summaryRow struct {
	ScheduledAt time.Time
	State       string
	OnTime      *bool
	GraceMin    int
}

// GET /v1/me/adherence
func (a *API) handleAdherence(c *gin.Context) {
	pt, err := auth.OwnPatient(c.Request.Context(), a.DB, auth.PrincipalOf(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	now := a.Clock.Now()
	var rows []summaryRow
	// Scheduled doses only: as-needed logs have no denominator.
	err = a.db(c).Table("dose_instances d").Select("d.scheduled_at, d.state, d.on_time, r.grace_min").
		Joins("JOIN regimens r ON r.id = d.regimen_id").
		Where("d.patient_id = ? AND r.as_needed = ? AND d.state <> ? AND d.scheduled_at > ? AND d.scheduled_at <= ?",
			pt.ID, false, store.DoseCancelled, now.AddDate(0, 0, -90), now).Scan(&rows).Error
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	var absences []store.PatientAbsence
	if err := a.db(c).Where("patient_id = ? AND ends_at > ?", pt.ID, now.AddDate(0, 0, -90)).Find(&absences).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, a.DB, "adherence.read", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	c.JSON(http.StatusOK, summarize(rows, absences, now))
}

// summarize computes the 7/30/90-day windows. A dose counts once it is due:
// scheduled in the past and no longer pending within its grace period.
// Doses during an absence are left out.
func summarize(rows []summaryRow, absences []store.PatientAbsence, now time.Time) AdherenceSummary {
	s := AdherenceSummary{Definition: AdherenceDefinition, AsOf: now}
	for _, days := range []int{7, 30, 90} {
		w := AdherenceWindow{Days: days}
		since := now.AddDate(0, 0, -days)
		for _, r := range rows {
			if !r.ScheduledAt.After(since) || r.ScheduledAt.After(now) || away(r.ScheduledAt, absences) {
				continue
			}
			if r.State == store.DosePending && r.ScheduledAt.Add(time.Duration(r.GraceMin)*time.Minute).After(now) {
				continue // not yet due: the patient can still take it
			}
			w.Scheduled++
			switch r.State {
			case store.DoseTaken:
				w.Taken++
				if r.OnTime != nil && *r.OnTime {
					w.OnTime++
				}
			case store.DoseSkipped:
				w.Skipped++
			default: // missed, or pending past its grace and not yet swept
				w.Missed++
			}
		}
		if w.Scheduled > 0 {
			v := float64(w.Taken) / float64(w.Scheduled)
			w.TakingAdherence = &v
		}
		s.Windows = append(s.Windows, w)
	}
	return s
}

func away(t time.Time, absences []store.PatientAbsence) bool {
	for _, a := range absences {
		if !t.Before(a.StartsAt) && t.Before(a.EndsAt) {
			return true
		}
	}
	return false
}
