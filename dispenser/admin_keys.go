package dispenser

import (
	"context"
	"net/http"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

type keyRequest struct {
	PublicKey string `json:"public_key"`
}

// Validate requires a strong Ed25519 key (ParsePublicKey).
func (r *keyRequest) Validate() error {
	if _, ok := ParsePublicKey(r.PublicKey); !ok {
		return apperr.Validation(badKeyField())
	}
	return nil
}

func badKeyField() apperr.FieldError {
	return apperr.FieldError{Field: "public_key", Message: "must be a base64 (standard encoding) Ed25519 public key of 32 bytes " +
		"that encodes a point of the prime-order subgroup other than the identity"}
}

// keyInUse refuses a key that another dispenser holds (current or next): a
// key identifies one device.
func (s *Service) keyInUse(ctx context.Context, key string, self int64) error {
	var n int64
	err := s.DB.WithContext(ctx).Model(&store.Dispenser{}).
		Where("(public_key = ? OR next_public_key = ?) AND id <> ?", key, key, self).Count(&n).Error
	if err == nil && n > 0 {
		err = apperr.E(apperr.Conflict, "this public key is already registered to a dispenser; "+
			"a revoked dispenser is provisioned again with a new key").WithReason("key_in_use")
	}
	return err
}

// handleNextKey stages the device's next key: both keys verify until the
// first request signed with the next key, or an admin's rotate, retires
// the current one.
func (s *Service) handleNextKey(c *gin.Context) {
	d, ok := s.loadOwn(c)
	if !ok {
		return
	}
	var req keyRequest
	err := httpx.DecodeJSON(c, &req)
	if err == nil && d.RevokedAt != nil {
		err = apperr.E(apperr.Conflict, "the dispenser is revoked; provision it again with its new key").WithReason("revoked")
	}
	if err == nil && req.PublicKey == d.PublicKey {
		err = apperr.E(apperr.Conflict, "this is already the dispenser's current key").WithReason("same_key")
	}
	if err == nil {
		err = s.keyInUse(c.Request.Context(), req.PublicKey, d.ID)
	}
	if err == nil {
		err = s.setKeys(c, d, d.PublicKey, req.PublicKey)
	}
	s.answerKeys(c, d, "dispenser.key_next", err)
}

// handleCancelNextKey drops a staged next key.
func (s *Service) handleCancelNextKey(c *gin.Context) {
	d, ok := s.loadOwn(c)
	if !ok {
		return
	}
	s.answerKeys(c, d, "dispenser.key_next_cancel", s.setKeys(c, d, d.PublicKey, ""))
}

// handleRotate completes a rotation for a device that cannot (or has not
// yet) used its next key: the next key becomes current, the old one stops.
func (s *Service) handleRotate(c *gin.Context) {
	d, ok := s.loadOwn(c)
	if !ok {
		return
	}
	var err error
	if d.NextPublicKey == "" {
		err = apperr.E(apperr.Conflict, "the dispenser has no next key to rotate to").WithReason("no_next_key")
	} else {
		err = s.setKeys(c, d, d.NextPublicKey, "")
	}
	s.answerKeys(c, d, "dispenser.key_rotate", err)
}

func (s *Service) setKeys(c *gin.Context, d *store.Dispenser, cur, next string) error {
	now := s.Clock.Now()
	err := s.DB.WithContext(c.Request.Context()).Model(d).
		Updates(map[string]any{"public_key": cur, "next_public_key": next, "updated_at": now}).Error
	if err == nil {
		d.PublicKey, d.NextPublicKey, d.UpdatedAt = cur, next, now
	}
	return err
}

// answerKeys audits a key change (refusals too) and answers with the view.
func (s *Service) answerKeys(c *gin.Context, d *store.Dispenser, action string, err error) {
	if err != nil {
		auth.Audit(c, s.DB, action, deref(d.PatientID), "dispenser", d.ID, auth.OutcomeRefused)
		httpx.Fail(c, err)
		return
	}
	auth.Audit(c, s.DB, action, deref(d.PatientID), "dispenser", d.ID, auth.OutcomeOK)
	c.JSON(http.StatusOK, viewOf(*d))
}
