// Package crashpoint lets a crash test SIGKILL the real server binary at a
// chosen point in a job: with DOSELOOP_CRASH_AT=name:N the process kills
// itself the Nth time it reaches Hit(name). Unset (production), Hit is one
// atomic load. Points: "schedule.batch" (a scheduler batch claimed, not yet
// committed), "notify.sent" (a message accepted by its provider, not yet
// recorded), "notify.before_record" (a dispatch batch sent, about to record).
package crashpoint

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// Env names the variable that arms a crash point.
const Env = "DOSELOOP_CRASH_AT"

var (
	once  sync.Once
	armed string
	at    int64
	count atomic.Int64
)

// Hit kills the process with SIGKILL when name is the armed point and this
// is its Nth hit.
func Hit(name string) {
	once.Do(arm)
	if armed != name {
		return
	}
	if count.Add(1) == at {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // never returns: the signal is on its way
	}
}

func arm() {
	name, n, ok := strings.Cut(os.Getenv(Env), ":")
	if !ok {
		return
	}
	if v, err := strconv.ParseInt(n, 10, 64); err == nil && v > 0 {
		armed, at = name, v
	}
}
