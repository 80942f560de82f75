package dispenser

import (
	"context"
	"crypto/ed25519"
	"errors"
	"mime"
	"strings"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// authenticate runs the checks of PROTOCOL.md in order. Everything before
// the signature check is about the request's form, never about the serial:
// an unknown serial and a bad signature get the same answer, and only a
// correctly signed request learns that its dispenser is revoked.
func (s *Service) authenticate(c *gin.Context, fresh bool) (*store.Dispenser, []byte, error) {
	if err := singleHeaders(c); err != nil {
		return nil, nil, err
	}
	h, err := ParseHeaders(c.GetHeader(HeaderSerial), c.GetHeader(HeaderTimestamp), c.GetHeader(HeaderSignature))
	if err != nil {
		return nil, nil, err
	}
	now := s.Clock.Now().Unix()
	if d := now - h.Timestamp; d > int64(MaxSkew.Seconds()) || d < -int64(MaxSkew.Seconds()) {
		return nil, nil, authErr("stale_timestamp", "%s is %d s from server time; at most %d s are allowed",
			HeaderTimestamp, d, int64(MaxSkew.Seconds())).With("server_time", now)
	}
	body, err := readBody(c)
	if err == nil {
		err = jsonBody(c, body)
	}
	if err != nil {
		return nil, nil, err
	}
	msg, err := StringToSign(h.Serial, c.Request.Method, c.Request.URL.EscapedPath(), c.Request.URL.RawQuery, h.TimestampRaw, body)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.verified(c, h, msg)
	if err == nil && fresh {
		err = s.claimTimestamp(c.Request.Context(), d, h.Timestamp)
	}
	return d, body, err
}

// singleHeaders refuses a request that repeats an authentication header or
// Content-Type: which copy a proxy or the server reads is not something the
// signer controls.
func singleHeaders(c *gin.Context) error {
	for _, name := range []string{HeaderSerial, HeaderTimestamp, HeaderSignature, "Content-Type"} {
		if len(c.Request.Header.Values(name)) > 1 {
			return apperr.E(apperr.Invalid, "the %s header is sent more than once", name).WithReason("duplicate_header")
		}
	}
	return nil
}

// jsonBody refuses a body that is not declared as JSON (application/json,
// with no charset or charset=utf-8).
func jsonBody(c *gin.Context, body []byte) error {
	if len(body) == 0 {
		return nil
	}
	mt, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	cs, hasCS := params["charset"]
	if err != nil || mt != "application/json" || hasCS && !strings.EqualFold(cs, "utf-8") {
		return apperr.E(apperr.Invalid, "a request body must be sent as Content-Type: application/json").WithReason("unsupported_media_type")
	}
	return nil
}

// verified loads the dispenser and checks the signature against its current
// key and, during a rotation, its next key; a request signed with the next
// key completes the rotation.
func (s *Service) verified(c *gin.Context, h SignedHeaders, msg []byte) (*store.Dispenser, error) {
	var d store.Dispenser
	err := s.DB.WithContext(c.Request.Context()).Where("serial = ?", h.Serial).Take(&d).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	found := err == nil
	cur, next := s.keysOf(c.Request.Context(), &d, found)
	curOK := verify(cur, msg, h.Signature) // also for an unknown serial (decoy key), so both cost the same
	switch {
	case !found:
		return nil, errBadSignature()
	case curOK:
	case verify(next, msg, h.Signature):
		if d.RevokedAt == nil {
			if err := s.promoteNext(c, &d); err != nil {
				return nil, err
			}
		}
	default:
		return nil, errBadSignature()
	}
	if d.RevokedAt != nil {
		return nil, authErr("revoked", "this dispenser has been revoked")
	}
	return &d, nil
}

// errBadSignature is the one answer to an unknown serial, a wrong key and a
// tampered request alike.
func errBadSignature() error {
	return authErr("bad_signature", "the signature does not verify for this serial, request and key")
}

// decoyKey stands in for an unknown serial's key so that an unknown serial
// costs the same verification as a known one.
var decoyKey = ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey)

// keysOf returns the dispenser's usable current and next keys. A stored key
// that fails ParsePublicKey (a weak key provisioned before keys were
// checked) is unusable: no signature verifies with it.
func (s *Service) keysOf(ctx context.Context, d *store.Dispenser, found bool) (cur, next ed25519.PublicKey) {
	if !found {
		return decoyKey, nil
	}
	cur, ok := ParsePublicKey(d.PublicKey)
	if !ok {
		cur = nil
		logWeakKey(ctx, d.ID)
	}
	if d.NextPublicKey != "" {
		next, _ = ParsePublicKey(d.NextPublicKey)
	}
	return cur, next
}
