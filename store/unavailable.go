package store

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unavailable reports whether err means the database could not be reached
// or went away mid-statement (refused or reset connection, server shutting
// down, a failover leaving us on a read-only standby), as opposed to a bad
// statement or a constraint. Callers answer such errors with 503 and a
// Retry-After, and background jobs back off and retry.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	for _, target := range []error{driver.ErrBadConn, io.ErrUnexpectedEOF, io.EOF, syscall.ECONNREFUSED,
		syscall.ECONNRESET, syscall.EPIPE} {
		if errors.Is(err, target) {
			return true
		}
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	if errors.As(err, &ne) || errors.As(err, &ce) || pgconn.Timeout(err) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return unavailableCode(pe.Code)
	}
	return unavailableText(err.Error())
}

// unavailableCode: class 08 (connection exception), 57P01-57P03 (admin or
// crash shutdown, cannot connect now) and 25006 (read-only transaction: the
// node we reached is a standby, as right after a failover).
func unavailableCode(code string) bool {
	return strings.HasPrefix(code, "08") || code == "57P01" || code == "57P02" || code == "57P03" || code == "25006"
}

// unavailableText catches the driver's unexported connection errors.
func unavailableText(msg string) bool {
	for _, s := range []string{"conn closed", "connection reset", "broken pipe", "connection refused",
		"failed to connect", "unexpected EOF", "bad connection", "database system is shutting down",
		"database system is starting up", "server closed the connection", "conn busy"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
