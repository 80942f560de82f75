package fcm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"firebase.google.com/go/v4/errorutils"
	"firebase.google.com/go/v4/messaging"
	"github.com/doseloop/doseloop/notify"
)

// Classify maps an error from messaging.Client.Send to the dispatcher's
// (retryable, retryAfter, err). err must be the SDK's value unwrapped.
func Classify(err error, now time.Time) (bool, time.Duration, error) {
	after := retryAfter(errorutils.HTTPResponse(err), now)
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return true, 0, fmt.Errorf("fcm timeout: %v: %w", err, notify.ErrProviderDown)
	case messaging.IsUnregistered(err):
		return false, 0, fmt.Errorf("fcm UNREGISTERED: %w", notify.ErrBadToken)
	case messaging.IsInvalidArgument(err) && strings.Contains(strings.ToLower(err.Error()), "registration token"):
		return false, 0, fmt.Errorf("fcm INVALID_ARGUMENT (token): %w", notify.ErrBadToken)
	case messaging.IsInvalidArgument(err):
		return false, 0, fmt.Errorf("fcm INVALID_ARGUMENT: %s", err)
	case messaging.IsSenderIDMismatch(err):
		return false, 0, errors.New("fcm SENDER_ID_MISMATCH: the token belongs to another Firebase project; check DOSELOOP_FIREBASE_PROJECT_ID and the app's google-services file")
	case messaging.IsThirdPartyAuthError(err):
		return false, 0, errors.New("fcm THIRD_PARTY_AUTH_ERROR: APNs or web-push credentials were rejected; check the APNs key in the Firebase console")
	case messaging.IsQuotaExceeded(err):
		return true, max(after, time.Minute), fmt.Errorf("fcm QUOTA_EXCEEDED: %s", err)
	case messaging.IsUnavailable(err), messaging.IsInternal(err), errorutils.IsDeadlineExceeded(err),
		errorutils.IsUnavailable(err), errorutils.IsInternal(err), errorutils.IsUnknown(err):
		// The provider (or the network to it) is down, not this message:
		// the dispatcher's breaker holds push rows until a probe succeeds.
		return true, after, fmt.Errorf("fcm %s: %s: %w", code(err), err, notify.ErrProviderDown)
	case errorutils.IsUnauthenticated(err), errorutils.IsResourceExhausted(err):
		// Transport failures, 5xx and our own credentials being refused are
		// worth retrying: an operator can fix credentials within the backoff.
		return true, after, fmt.Errorf("fcm %s: %s", code(err), err)
	}
	if resp := errorutils.HTTPResponse(err); resp != nil && resp.StatusCode >= 500 {
		return true, after, fmt.Errorf("fcm HTTP %d: %s: %w", resp.StatusCode, err, notify.ErrProviderDown)
	}
	return false, 0, fmt.Errorf("fcm %s: %s", code(err), err)
}

// code names the HTTP status of err for reasons and logs.
func code(err error) string {
	if resp := errorutils.HTTPResponse(err); resp != nil {
		return "HTTP " + strconv.Itoa(resp.StatusCode)
	}
	return "error"
}

// retryAfter reads Retry-After (seconds or an HTTP date) from resp.
func retryAfter(resp *http.Response, now time.Time) time.Duration {
	if resp == nil {
		return 0
	}
	v := resp.Header.Get("Retry-After")
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
