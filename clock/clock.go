// Package clock makes time an input. Every component that needs "now" takes a
// Clock, so tests drive time forward instead of sleeping.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current instant.
type Clock interface {
	Now() time.Time
}

// Real is the wall clock. Its instants are UTC, truncated to microseconds so a
// value written to Postgres or SQLite reads back equal.
type Real struct{}

// Now returns the current UTC instant.
func (Real) Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Fake is a settable clock for tests. The zero value is not useful; use NewFake.
type Fake struct {
	mu sync.Mutex
	t  time.Time
}

// NewFake returns a Fake clock standing at t.
func NewFake(t time.Time) *Fake { return &Fake{t: t.UTC()} }

// Now returns the fake clock's instant.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

// Set moves the clock to t.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = t.UTC()
}

// Advance moves the clock forward by d and returns the new instant.
func (f *Fake) Advance(d time.Duration) time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
	return f.t
}
