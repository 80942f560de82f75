package dispenser

import (
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/metrics"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// BatchAnswer is the answer to POST /v1/dispenser/events.
type BatchAnswer struct {
	Accepted   int      `json:"accepted"`
	Duplicates int      `json:"duplicates"`
	Rejected   int      `json:"rejected"`
	Results    []Result `json:"results"`
}

func (s *Service) handleEvents(c *gin.Context) {
	d := DeviceOf(c)
	events, results, err := DecodeBatch(bodyOf(c), s.Clock.Now())
	if err != nil {
		httpx.Fail(c, err)
		return
	}
	if err := s.Ingest(c.Request.Context(), d, events, results); err != nil {
		httpx.Fail(c, err)
		return
	}
	a := BatchAnswer{Results: results}
	for _, r := range results {
		metrics.DispenserEvents.WithLabelValues(r.Status, r.Reason+r.Flag).Inc() // at most one of the two is set
		switch r.Status {
		case StatusAccepted:
			a.Accepted++
		case StatusDuplicate:
			a.Duplicates++
		default:
			a.Rejected++
		}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, a)
}

// heartbeat is the body of POST /v1/dispenser/heartbeat; every field is optional.
type heartbeat struct {
	BatteryPct *int    `json:"battery_pct"`
	Firmware   *string `json:"firmware"`
	SignalDbm  *int    `json:"signal_dbm"`
}

// Validate checks the ranges a real device can report.
func (h *heartbeat) Validate() error {
	var f []apperr.FieldError
	if h.BatteryPct != nil && (*h.BatteryPct < 0 || *h.BatteryPct > 100) {
		f = append(f, apperr.FieldError{Field: "battery_pct", Message: "must be 0 to 100"})
	}
	if h.Firmware != nil {
		if msg := textProblem(*h.Firmware, 64); msg != "" {
			f = append(f, apperr.FieldError{Field: "firmware", Message: msg})
		}
	}
	if h.SignalDbm != nil && (*h.SignalDbm < -150 || *h.SignalDbm > 0) {
		f = append(f, apperr.FieldError{Field: "signal_dbm", Message: "must be -150 to 0"})
	}
	if len(f) > 0 {
		return apperr.Validation(f...)
	}
	return nil
}

// HeartbeatAnswer tells the device when to call again.
type HeartbeatAnswer struct {
	ServerTime         time.Time `json:"server_time"`
	HeartbeatIntervalS int       `json:"heartbeat_interval_s"`
}

func (s *Service) handleHeartbeat(c *gin.Context) {
	d := DeviceOf(c)
	var h heartbeat
	if !utf8.Valid(bodyOf(c)) {
		// encoding/json would silently turn the bad bytes into U+FFFD.
		httpx.Fail(c, apperr.E(apperr.Invalid, "the body must be valid UTF-8").WithReason("invalid_utf8"))
		return
	}
	if err := httpx.DecodeJSON(c, &h); err != nil {
		httpx.Fail(c, err)
		return
	}
	now := s.Clock.Now()
	upd := map[string]any{"last_seen_at": now, "updated_at": now}
	if h.BatteryPct != nil {
		upd["battery_pct"] = *h.BatteryPct
	}
	if h.Firmware != nil {
		upd["firmware"] = *h.Firmware
	}
	if h.SignalDbm != nil {
		upd["signal_dbm"] = *h.SignalDbm
	}
	db := s.DB.WithContext(c.Request.Context())
	if err := db.Model(&store.Dispenser{}).Where("id = ?", d.ID).Updates(upd).Error; err != nil {
		httpx.Fail(c, err)
		return
	}
	if err := endOutages(db, d.ID, now); err != nil {
		httpx.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, HeartbeatAnswer{ServerTime: now, HeartbeatIntervalS: d.HeartbeatIntervalS})
}
