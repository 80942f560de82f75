package notify

import (
	"errors"
	"sync"
	"time"
)

// ErrProviderDown marks a failure that is the provider's, not the message's
// (FCM UNAVAILABLE or INTERNAL, 5xx, timeouts). Wrap it in a Notifier's
// error: fmt.Errorf("fcm UNAVAILABLE: %w", ErrProviderDown).
var ErrProviderDown = errors.New("provider unavailable")

// ReasonProviderOutage is the dead reason of a row that waited out a
// provider outage for longer than OutageGiveUp.
const ReasonProviderOutage = "provider_outage"

// breaker remembers that the push provider is down. While it is open, push
// rows wait for the next probe instead of each sending its own request, and
// their attempts are given back (the outage is not the message's fault),
// so an hour-long outage kills no row. Probes back off from 30 s to 5 min.
// Each replica keeps its own; the rows' not_before is what they share.
type breaker struct {
	mu    sync.Mutex
	until time.Time
	fails int
}

const (
	probeBase = 30 * time.Second
	probeMax  = 5 * time.Minute
)

// blocked reports whether the provider is still considered down at now,
// and until when.
func (b *breaker) blocked(now time.Time) (time.Time, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.until, now.Before(b.until)
}

// trip records a provider-wide failure and returns the next probe time:
// the breaker's own backoff, or the provider's Retry-After when longer.
// Every row the outage holds waits for that same instant, so after
// recovery they go out in claim order (not_before, id): oldest first.
func (b *breaker) trip(now time.Time, retryAfter time.Duration) time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Before(b.until) {
		return b.until // concurrent sends of one probe trip it once
	}
	wait := max(min(probeBase<<min(b.fails, 10), probeMax), retryAfter)
	b.fails++
	b.until = now.Add(wait)
	return b.until
}

// reset closes the breaker after a successful send.
func (b *breaker) reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.fails, b.until = 0, time.Time{}
}
