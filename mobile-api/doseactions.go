package mobileapi

import (
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

type takeRequest struct {
	TakenAt *time.Time `json:"taken_at"`
}

type skipRequest struct {
	Reason string `json:"reason"`
}

func (r *skipRequest) Validate() error {
	r.Reason = strings.TrimSpace(r.Reason)
	if r.Reason == "" || len(r.Reason) > 200 {
		return apperr.Validation(apperr.FieldError{Field: "reason", Message: "is required, at most 200 characters"})
	}
	return nil
}

type snoozeRequest struct {
	Minutes int `json:"minutes"`
}

func (r *snoozeRequest) Validate() error {
	if r.Minutes < 5 || r.Minutes > 60 {
		return apperr.Validation(apperr.FieldError{Field: "minutes", Message: "must be from 5 to 60"})
	}
	return nil
}

// maxSnoozes is how often one dose's reminder may be snoozed.
const maxSnoozes = 3

// decodeOptional decodes a JSON body when there is one: take accepts an empty body.
func decodeOptional(c *gin.Context, v any) error {
	if c.Request.ContentLength == 0 {
		return nil
	}
	return httpx.DecodeJSON(c, v)
}

// POST /v1/doses/{id}/take records a dose as taken (now, or taken_at up to
// 24 h back) and closes its escalation. A taken dose answers 409.
func (a *API) handleTake(c *gin.Context) {
	var req takeRequest
	if err := decodeOptional(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	a.actOnDose(c, "dose.take", func(c *gin.Context, tx *gorm.DB, d *store.DoseInstance, now time.Time) error {
		at, err := actualTime(req.TakenAt, now)
		if err != nil {
			return err
		}
		if err := expectState(d, store.DosePending, store.DoseMissed, store.DoseSkipped); err != nil {
			return err
		}
		var reg store.Regimen
		if err := tx.Select("on_time_window_min").Take(&reg, d.RegimenID).Error; err != nil {
			return err
		}
		onTime := at.Sub(d.ScheduledAt).Abs() <= time.Duration(reg.OnTimeWindowMin)*time.Minute
		if err := a.transition(tx, d, map[string]any{"state": store.DoseTaken, "taken_at": at, "on_time": onTime,
			"source": source(auth.PrincipalOf(c)), "skip_reason": "", "snoozed_until": nil, "updated_at": now}); err != nil {
			return err
		}
		return closeAlert(tx, d.ID, "dose_recorded", now)
	})
}

// POST /v1/doses/{id}/skip records a deliberate skip with a reason.
func (a *API) handleSkip(c *gin.Context) {
	var req skipRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	a.actOnDose(c, "dose.skip", func(c *gin.Context, tx *gorm.DB, d *store.DoseInstance, now time.Time) error {
		if err := expectState(d, store.DosePending, store.DoseMissed); err != nil {
			return err
		}
		if err := a.transition(tx, d, map[string]any{"state": store.DoseSkipped, "skip_reason": req.Reason,
			"source": source(auth.PrincipalOf(c)), "snoozed_until": nil, "updated_at": now}); err != nil {
			return err
		}
		return closeAlert(tx, d.ID, "dose_skipped", now)
	})
}

// POST /v1/doses/{id}/snooze postpones a pending dose's reminder by 5–60
// minutes, at most 3 times.
func (a *API) handleSnooze(c *gin.Context) {
	var req snoozeRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	a.actOnDose(c, "dose.snooze", func(c *gin.Context, tx *gorm.DB, d *store.DoseInstance, now time.Time) error {
		if err := expectState(d, store.DosePending); err != nil {
			return err
		}
		if d.SnoozeCount >= maxSnoozes {
			return apperr.E(apperr.Conflict, "this reminder was already snoozed %d times", maxSnoozes).WithReason("snooze_limit")
		}
		return a.transition(tx, d, map[string]any{"snoozed_until": now.Add(time.Duration(req.Minutes) * time.Minute),
			"snooze_count": gorm.Expr("snooze_count + 1"), "updated_at": now})
	})
}

// expectState refuses an action on a dose in another state. Errors: Conflict.
func expectState(d *store.DoseInstance, states ...string) error {
	for _, s := range states {
		if d.State == s {
			return nil
		}
	}
	if d.State == store.DoseTaken {
		return apperr.E(apperr.Conflict, "this dose is already recorded as taken").WithReason("already_taken").With("taken_at", d.TakenAt)
	}
	return apperr.E(apperr.Conflict, "this dose is %s", d.State).WithReason("dose_" + d.State)
}

// transition updates d only if it is still in the state it was read in (and,
// for snoozes, still under the limit), so two racing requests cannot both
// succeed. Errors: Conflict.
func (a *API) transition(tx *gorm.DB, d *store.DoseInstance, upd map[string]any) error {
	res := tx.Model(&store.DoseInstance{}).Where("id = ? AND state = ? AND snooze_count = ?", d.ID, d.State, d.SnoozeCount).Updates(upd)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return apperr.E(apperr.Conflict, "this dose changed meanwhile; reload it").WithReason("dose_changed")
	}
	return nil
}
