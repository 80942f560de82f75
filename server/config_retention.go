package main

import (
	"strconv"
	"time"

	"github.com/doseloop/doseloop/store/retention"
)

// retention reads DOSELOOP_RETENTION_{NOTIFICATIONS,AUDIT,EVENTS}_DAYS:
// whole days to keep each table's rows, 0 for forever (README, "Data
// retention"); unset means the documented default.
func (e *env) retention() retention.Policy {
	return retention.Policy{
		Notifications: e.days("RETENTION_NOTIFICATIONS_DAYS", retention.Default.Notifications),
		Audit:         e.days("RETENTION_AUDIT_DAYS", retention.Default.Audit),
		DoseEvents:    e.days("RETENTION_EVENTS_DAYS", retention.Default.DoseEvents),
	}
}

func (e *env) days(name string, def time.Duration) time.Duration {
	s := e.str(name, "")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 36600 {
		e.fail(name, "must be a whole number of days from 0 (keep forever) to 36600 (got %q)", s)
		return def
	}
	return time.Duration(n) * 24 * time.Hour
}
