package notify

import (
	"testing"
	"time"
)

// A failing dispatch loop waits longer after each failure, up to 30 s, and
// goes back to its idle pace after a success.
func TestErrorWaitBacksOff(t *testing.T) {
	for _, c := range []struct {
		fails int
		want  time.Duration
	}{{0, time.Second}, {1, 2 * time.Second}, {3, 8 * time.Second}, {5, 30 * time.Second}, {60, 30 * time.Second}} {
		if got := errorWait(time.Second, c.fails); got != c.want {
			t.Errorf("errorWait(1s, %d) = %s, want %s", c.fails, got, c.want)
		}
	}
}

// The breaker probes after 30 s, 1 m, 2 m ... at most every 5 min, or
// later when the provider's Retry-After says so; a success closes it.
func TestBreakerProbes(t *testing.T) {
	var b breaker
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var waits []time.Duration
	for range 6 {
		until := b.trip(now, 0)
		waits = append(waits, until.Sub(now))
		now = until
	}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5 * time.Minute}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("probe waits %v, want %v", waits, want)
		}
	}
	if _, down := b.blocked(now.Add(-time.Second)); !down {
		t.Fatal("not blocked before the probe")
	}
	b.reset()
	if until := b.trip(now, 10*time.Minute); until.Sub(now) != 10*time.Minute {
		t.Fatalf("Retry-After 10m ignored: %s", until.Sub(now))
	}
}
