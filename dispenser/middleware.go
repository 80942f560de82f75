package dispenser

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

const deviceKey = "doseloop.dispenser"
const bodyKey = "doseloop.dispenser.body"

// RequestBudget bounds the database work of one device request. The work is
// detached from the client's connection: a device that hangs up mid-request
// does not abort a batch half-way (its retry then answers duplicate), and
// the server never reports the hang-up as its own failure.
const RequestBudget = 60 * time.Second

// DeviceOf returns the dispenser authenticated by DeviceAuth.
func DeviceOf(c *gin.Context) *store.Dispenser { return c.MustGet(deviceKey).(*store.Dispenser) }

// bodyOf returns the request body DeviceAuth read and verified.
func bodyOf(c *gin.Context) []byte { return c.MustGet(bodyKey).([]byte) }

// DeviceAuth verifies the Ed25519 request signature (PROTOCOL.md). Failures
// are 4xx problems with a reason and write nothing; success records
// last_seen_at (at most every SeenEvery) and stores the dispenser and the
// verified body for the handler.
func (s *Service) DeviceAuth() gin.HandlerFunc { return s.deviceAuth(false) }

// FreshDeviceAuth is DeviceAuth for requests with no idempotency key of
// their own (heartbeat): the timestamp must also be newer than the last one
// accepted on such a request from the device, so a replay is refused.
func (s *Service) FreshDeviceAuth() gin.HandlerFunc { return s.deviceAuth(true) }

func (s *Service) deviceAuth(fresh bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), RequestBudget)
		defer cancel()
		c.Request = c.Request.WithContext(ctx)
		d, body, err := s.authenticate(c, fresh)
		if err == nil {
			err = s.markSeen(ctx, d)
		}
		if err != nil {
			var e *apperr.Error
			if errors.As(err, &e) && e.Code != apperr.Internal {
				slog.InfoContext(ctx, "dispenser request refused", "request_id", httpx.RequestID(c), "reason", e.Reason)
			}
			httpx.Fail(c, err)
			return
		}
		c.Set(deviceKey, d)
		c.Set(bodyKey, body)
		c.Next()
	}
}

// markSeen records that the device talked (throttled to SeenEvery) and
// ends its outage, if any.
func (s *Service) markSeen(ctx context.Context, d *store.Dispenser) error {
	now := s.Clock.Now()
	if s.SeenEvery > 0 && d.LastSeenAt != nil && now.Sub(*d.LastSeenAt) < s.SeenEvery {
		return nil
	}
	db := s.DB.WithContext(ctx)
	if err := db.Model(&store.Dispenser{}).Where("id = ?", d.ID).Update("last_seen_at", now).Error; err != nil {
		return err
	}
	return endOutages(db, d.ID, now)
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
