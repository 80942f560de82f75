package notify

import "time"

// maxErrorWait caps how long Run waits after failing ticks.
const maxErrorWait = 30 * time.Second

// errorWait is how long Run waits after fails failed ticks in a row: idle,
// doubling per failure up to maxErrorWait, so a database outage costs a
// few log lines a minute instead of one a second, and Run resumes within
// 30 s of the database coming back.
func errorWait(idle time.Duration, fails int) time.Duration {
	if fails <= 0 {
		return idle
	}
	return min(idle<<min(fails, 16), max(idle, maxErrorWait))
}
