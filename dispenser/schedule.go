package dispenser

import (
	"time"

	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// ScheduleHorizon is how far ahead GET /v1/dispenser/schedule looks.
const ScheduleHorizon = 48 * time.Hour

// Schedule is the device's view of its upcoming doses. It holds no "now",
// so its ETag changes only when the doses do.
type Schedule struct {
	Serial       string             `json:"serial"`
	TimeZone     string             `json:"time_zone"`
	Compartments []CompartmentDoses `json:"compartments"`
	Unassigned   bool               `json:"unassigned,omitempty"`
}

// CompartmentDoses are the upcoming doses of one compartment.
type CompartmentDoses struct {
	Compartment int             `json:"compartment"`
	RegimenID   int64           `json:"regimen_id"`
	Medication  string          `json:"medication"`
	Quantity    float64         `json:"quantity"`
	Unit        string          `json:"unit"`
	Doses       []ScheduledDose `json:"doses"`
}

// ScheduledDose is one dose, in UTC and in the patient's local time.
type ScheduledDose struct {
	DoseID      int64     `json:"dose_id"`
	ScheduledAt time.Time `json:"scheduled_at"`
	Local       string    `json:"local"` // RFC 3339 with the patient's offset
	LocalDate   string    `json:"local_date"`
	LocalTime   string    `json:"local_time"`
	State       string    `json:"state"`
}

type scheduleRow struct {
	ID          int64
	ScheduledAt time.Time
	LocalDate   string
	LocalTime   string
	State       string
	RegimenID   int64
	Compartment int
	Quantity    float64
	Unit        string
	Medication  string
}

func (s *Service) handleSchedule(c *gin.Context) {
	d := DeviceOf(c)
	sched := Schedule{Serial: d.Serial, TimeZone: "UTC", Compartments: []CompartmentDoses{}}
	if d.PatientID == nil {
		sched.Unassigned = true
		httpx.JSONWithETag(c, sched)
		return
	}
	db := s.DB.WithContext(c.Request.Context())
	var pt store.Patient
	if err := db.Take(&pt, *d.PatientID).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	sched.TimeZone = pt.TimeZone
	loc, err := time.LoadLocation(pt.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	// From an hour back, so the dose due right now is still on the display.
	now := s.Clock.Now()
	var rows []scheduleRow
	err = db.Raw(`SELECT d.id, d.scheduled_at, d.local_date, d.local_time, d.state, r.id AS regimen_id,
			r.compartment, r.dose_quantity AS quantity, r.dose_unit AS unit, m.name AS medication
		FROM dose_instances d JOIN regimens r ON r.id = d.regimen_id JOIN medications m ON m.id = r.medication_id
		WHERE d.patient_id = ? AND r.compartment IS NOT NULL AND d.scheduled_at >= ? AND d.scheduled_at < ?
			AND d.state IN ('pending','taken','missed')
		ORDER BY r.compartment, r.id, d.scheduled_at`, pt.ID, now.Add(-time.Hour), now.Add(ScheduleHorizon)).Scan(&rows).Error
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	for _, r := range rows {
		n := len(sched.Compartments)
		if n == 0 || sched.Compartments[n-1].RegimenID != r.RegimenID {
			sched.Compartments = append(sched.Compartments, CompartmentDoses{Compartment: r.Compartment, RegimenID: r.RegimenID,
				Medication: r.Medication, Quantity: r.Quantity, Unit: r.Unit})
			n++
		}
		at := r.ScheduledAt.UTC()
		sched.Compartments[n-1].Doses = append(sched.Compartments[n-1].Doses, ScheduledDose{DoseID: r.ID, ScheduledAt: at,
			Local: at.In(loc).Format(time.RFC3339), LocalDate: r.LocalDate, LocalTime: r.LocalTime, State: r.State})
	}
	httpx.JSONWithETag(c, sched)
}
