package store

import (
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

// Only errors that mean "the database is away" become 503s; a constraint or
// a bad statement stays what it is.
func TestUnavailable(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"refused", fmt.Errorf("dial: %w", syscall.ECONNREFUSED), true},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"read-only standby after failover", &pgconn.PgError{Code: "25006"}, true},
		{"connection exception", &pgconn.PgError{Code: "08006"}, true},
		{"driver text", errors.New("conn closed"), true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax", &pgconn.PgError{Code: "42601"}, false},
		{"plain", errors.New("record not found"), false},
		{"nil", nil, false},
	} {
		if got := Unavailable(c.err); got != c.want {
			t.Errorf("%s: Unavailable = %v, want %v", c.name, got, c.want)
		}
	}
}
