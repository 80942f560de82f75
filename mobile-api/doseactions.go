package mobileapi

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

type takeRequest struct {
	TakenAt *time.Time `json:"taken_at"`
}

// UnmarshalJSON turns a taken_at that does not parse into a field error
// naming it (not malformed JSON); unknown fields stay errors.
func (r *takeRequest) UnmarshalJSON(raw []byte) error {
	var s struct {
		TakenAt *string `json:"taken_at"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return err
	}
	if s.TakenAt == nil {
		return nil
	}
	t, err := schedule.ParseInstantField("taken_at", *s.TakenAt)
	r.TakenAt = &t
	return err
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

// decodeOptional decodes a JSON body when there is one: take accepts an empty body.
func decodeOptional(c *gin.Context, v any) error {
	if c.Request.ContentLength == 0 {
		return nil
	}
	return httpx.DecodeJSON(c, v)
}

// POST /v1/doses/{id}/take records a dose as taken (now, or taken_at up to
// 24 h back) and closes its escalation. Only inside the dose's recording
// window (schedule.RecordingWindow): 409 too_early / too_late with
// window_start and window_end otherwise; a taken dose answers 409.
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
		return schedule.Take(tx, d, at, actor(auth.PrincipalOf(c)), now)
	})
}

// POST /v1/doses/{id}/skip records a deliberate skip with a reason, inside
// the recording window.
func (a *API) handleSkip(c *gin.Context) {
	var req skipRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	a.actOnDose(c, "dose.skip", func(c *gin.Context, tx *gorm.DB, d *store.DoseInstance, now time.Time) error {
		return schedule.Skip(tx, d, req.Reason, actor(auth.PrincipalOf(c)), now)
	})
}

// POST /v1/doses/{id}/snooze postpones the reminder of a pending dose that
// is due by 5–60 minutes, at most 3 times; a dose not yet due answers 409
// not_yet_due.
func (a *API) handleSnooze(c *gin.Context) {
	var req snoozeRequest
	if err := httpx.DecodeJSON(c, &req); err != nil {
		httpx.Fail(c, err)
		return
	}
	a.actOnDose(c, "dose.snooze", func(c *gin.Context, tx *gorm.DB, d *store.DoseInstance, now time.Time) error {
		return schedule.Snooze(tx, d, now.Add(time.Duration(req.Minutes)*time.Minute), actor(auth.PrincipalOf(c)), now)
	})
}

// actor is the caller as schedule records it in the dose's history.
func actor(p auth.Principal) schedule.Actor {
	id := p.UserID
	return schedule.Actor{UserID: &id, Source: source(p)}
}
