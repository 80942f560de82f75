package dispenser

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

const deviceKey = "doseloop.dispenser"
const bodyKey = "doseloop.dispenser.body"

// DeviceOf returns the dispenser authenticated by DeviceAuth.
func DeviceOf(c *gin.Context) *store.Dispenser { return c.MustGet(deviceKey).(*store.Dispenser) }

// bodyOf returns the request body DeviceAuth read and verified.
func bodyOf(c *gin.Context) []byte { return c.MustGet(bodyKey).([]byte) }

// DeviceAuth verifies the Ed25519 request signature (PROTOCOL.md). Failures
// are 401 problems with a reason and write nothing; success records
// last_seen_at (at most every SeenEvery) and stores the dispenser and the
// verified body for the handler.
func (s *Service) DeviceAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		d, body, err := s.authenticate(c)
		if err != nil {
			var e *apperr.Error
			if errors.As(err, &e) && e.Code == apperr.Unauthorized {
				slog.InfoContext(c.Request.Context(), "dispenser request refused", "request_id", httpx.RequestID(c), "reason", e.Reason)
			}
			httpx.Fail(c, err)
			return
		}
		now := s.Clock.Now()
		if s.SeenEvery <= 0 || d.LastSeenAt == nil || now.Sub(*d.LastSeenAt) >= s.SeenEvery {
			if err := s.DB.WithContext(c.Request.Context()).Model(&store.Dispenser{}).Where("id = ?", d.ID).
				Update("last_seen_at", now).Error; err != nil {
				httpx.Fail(c, err)
				return
			}
			if err := endOutages(s.DB.WithContext(c.Request.Context()), d.ID, now); err != nil {
				httpx.Fail(c, err)
				return
			}
		}
		c.Set(deviceKey, d)
		c.Set(bodyKey, body)
		c.Next()
	}
}

func (s *Service) authenticate(c *gin.Context) (*store.Dispenser, []byte, error) {
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
	if err != nil {
		return nil, nil, err
	}
	var d store.Dispenser
	err = s.DB.WithContext(c.Request.Context()).Where("serial = ?", h.Serial).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil, authErr("unknown_dispenser", "no dispenser with this serial is provisioned")
	} else if err != nil {
		return nil, nil, err
	}
	if d.RevokedAt != nil {
		return nil, nil, authErr("revoked", "this dispenser has been revoked")
	}
	pub, ok := ParsePublicKey(d.PublicKey)
	if !ok || !ed25519.Verify(pub, Canonical(c.Request.Method, c.Request.URL.EscapedPath(), h.Timestamp, body), h.Signature) {
		return nil, nil, authErr("bad_signature", "the signature does not match this request and the dispenser's key")
	}
	return &d, body, nil
}

// readBody reads the whole body (at most MaxBody) so it can be hashed, and
// leaves a copy for handlers that decode it.
func readBody(c *gin.Context) ([]byte, error) {
	if c.Request.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, apperr.E(apperr.TooLarge, "request body is larger than %d bytes", MaxBody)
		}
		return nil, apperr.E(apperr.Invalid, "could not read the request body").WithReason("bad_body")
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}
