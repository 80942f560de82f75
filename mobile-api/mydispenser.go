package mobileapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// MyDispenserView is the patient's dispenser (nil when none is assigned)
// and its latest reported events, newest first.
type MyDispenserView struct {
	TimeZone  string            `json:"time_zone"`
	Dispenser *DispenserStatus  `json:"dispenser"`
	Events    []DispenserEventV `json:"events"`
}

// DispenserStatus is what a patient sees of their dispenser. Online means
// heard from within twice its heartbeat interval (the outage rule).
type DispenserStatus struct {
	Serial     string     `json:"serial"`
	Model      string     `json:"model"`
	LastSeenAt *time.Time `json:"last_seen_at"`
	BatteryPct *int       `json:"battery_pct"`
	Online     bool       `json:"online"`
}

// DispenserEventV is one reported event (no device internals).
type DispenserEventV struct {
	Kind       string    `json:"kind"`
	OccurredAt time.Time `json:"occurred_at"`
}

// GET /v1/me/dispenser shows the patient's own dispenser and its last 10 events.
func (a *API) handleMyDispenser(c *gin.Context) {
	pt, err := auth.OwnPatient(c.Request.Context(), a.DB, auth.PrincipalOf(c))
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	v := MyDispenserView{TimeZone: pt.TimeZone, Events: []DispenserEventV{}}
	var d store.Dispenser
	err = a.db(c).Where("patient_id = ? AND revoked_at IS NULL", pt.ID).Order("id DESC").Take(&d).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		httpx.Fail(c, err)
		return
	}
	if err == nil {
		v.Dispenser = dispenserStatus(d, a.Clock.Now())
		var evs []store.DoseEvent
		if err := a.db(c).Where("dispenser_id = ?", d.ID).Order("occurred_at DESC, id DESC").Limit(10).Find(&evs).Error; err != nil {
			httpx.Fail(c, err)
			return
		}
		for _, e := range evs {
			v.Events = append(v.Events, DispenserEventV{Kind: e.Type, OccurredAt: e.OccurredAt.UTC()})
		}
	}
	auth.Audit(c, a.DB, "dispenser.read", pt.ID, "patient", pt.ID, auth.OutcomeOK)
	c.JSON(http.StatusOK, v)
}

func dispenserStatus(d store.Dispenser, now time.Time) *DispenserStatus {
	s := &DispenserStatus{Serial: d.Serial, Model: d.Model, LastSeenAt: utcPtr(d.LastSeenAt), BatteryPct: d.BatteryPct}
	interval := time.Duration(max(d.HeartbeatIntervalS, 60)) * time.Second
	s.Online = d.LastSeenAt != nil && now.Sub(*d.LastSeenAt) <= 2*interval
	return s
}
