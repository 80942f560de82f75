package httpx

import (
	"strconv"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/store"
)

// RetryAfterSeconds is the Retry-After every 503 carries: long enough for a
// connection pool to reconnect or a failover manager to promote a standby,
// short enough that a retrying dispenser's backlog does not pile up.
const RetryAfterSeconds = 5

// retryAfter is the header value for a 503.
var retryAfter = strconv.Itoa(RetryAfterSeconds)

// databaseDown is the problem a request gets when the database is away.
// The request may be retried: every device write is idempotent, and a
// write that did commit before the connection dropped answers "duplicate".
func databaseDown() *apperr.Error {
	return apperr.E(apperr.Unavailable, "the database is unavailable right now; retry after %d seconds", RetryAfterSeconds).
		WithReason("database_unavailable")
}

// asUnavailable turns a database-unreachable error into databaseDown.
func asUnavailable(err error) (*apperr.Error, bool) {
	if store.Unavailable(err) {
		return databaseDown(), true
	}
	return nil, false
}
