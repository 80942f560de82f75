package notify

import (
	"math"
	"time"
)

// Backoff is the retry policy: exponential from Base, capped at Max, with
// ±Jitter (a fraction) so many rows failing together do not return together.
// A provider's Retry-After wins when it is longer.
type Backoff struct {
	Base        time.Duration
	Max         time.Duration
	Jitter      float64
	MaxAttempts int
}

// DefaultBackoff retries after ~30s, 1m, 2m ... up to 30m, 8 attempts in all
// (about an hour and a half of trying before a row is dead).
var DefaultBackoff = Backoff{Base: 30 * time.Second, Max: 30 * time.Minute, Jitter: 0.2, MaxAttempts: 8}

// Delay is the wait before the next attempt after attempts failed ones.
// r is a random number in [0,1).
func (b Backoff) Delay(attempts int, retryAfter time.Duration, r float64) time.Duration {
	if attempts < 1 {
		attempts = 1
	}
	d := float64(b.Base) * math.Pow(2, float64(attempts-1))
	if d > float64(b.Max) {
		d = float64(b.Max)
	}
	d *= 1 + b.Jitter*(2*r-1)
	out := time.Duration(d)
	if retryAfter > out {
		out = retryAfter
	}
	return out
}

// Exhausted reports whether a row that has made attempts tries gives up.
func (b Backoff) Exhausted(attempts int) bool {
	return b.MaxAttempts > 0 && attempts >= b.MaxAttempts
}
