// Package store owns persistence: the GORM models, opening Postgres or the
// embedded SQLite, and applying the versioned migrations. It imports no
// feature package; feature packages import it.
package store

import (
	"context"
	"fmt"
	"log/slog"
	neturl "net/url"
	"os"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// DefaultURL is the zero-configuration database: an SQLite file in the working directory.
const DefaultURL = "sqlite:doseloop.db"

// Open connects to the database named by url: "postgres://..." (or
// "postgresql://...") for Postgres, "sqlite:PATH" for the embedded SQLite.
// It does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*gorm.DB, error) {
	dial, err := dialector(url)
	if err != nil {
		return nil, err
	}
	db, err := gorm.Open(dial, &gorm.Config{
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
		SkipDefaultTransaction: true,
		TranslateError:         true,
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	if IsSQLite(db) {
		// One writer at a time is SQLite's nature; a small pool with immediate
		// transactions and a busy timeout waits instead of failing.
		sqlDB.SetMaxOpenConns(4)
	} else {
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("database unreachable: %w", err)
	}
	slog.Debug("database opened", "dialect", db.Dialector.Name())
	return db, nil
}

func dialector(url string) (gorm.Dialector, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return postgres.Open(withoutJIT(url)), nil
	case strings.HasPrefix(url, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//")
		if path == "" {
			return nil, fmt.Errorf("sqlite URL %q names no file", url)
		}
		if err := privateFile(strings.SplitN(path, "?", 2)[0]); err != nil {
			return nil, err
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		return sqlite.Open(path + sep + "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)" +
			"&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"), nil
	default:
		return nil, fmt.Errorf("database URL must start with postgres:// or sqlite: (got %q)", redact(url))
	}
}

// withoutJIT turns Postgres's JIT compiler off for DoseLoop's connections
// unless the URL sets jit itself: its queries are short, and on the patient
// list of 10,000 patients compiling cost ~115 ms of a ~400 ms query (EXPLAIN
// ANALYZE, "JIT ... Emission"). pgx sends unknown URL parameters to the
// server as run-time settings.
func withoutJIT(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil || u.Query().Has("jit") {
		return raw
	}
	q := u.Query()
	q.Set("jit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

// privateFile creates the SQLite file readable by its owner only (0600), or
// tightens an existing one: it holds health data. SQLite gives the WAL and
// shared-memory files the same mode as the database file.
func privateFile(path string) error {
	if path == ":memory:" || strings.HasPrefix(path, "file::memory:") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open sqlite file: %w", err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("make %s private: %w", p, err)
		}
	}
	return nil
}

// redact hides everything after the scheme so a password never reaches a log.
func redact(url string) string {
	if i := strings.Index(url, "://"); i >= 0 {
		return url[:i+3] + "…"
	}
	if len(url) > 12 {
		return url[:12] + "…"
	}
	return url
}

// IsSQLite reports whether db is the embedded SQLite (no SKIP LOCKED there:
// it has one writer, so a plain UPDATE ... RETURNING claims work safely).
func IsSQLite(db *gorm.DB) bool { return db.Dialector.Name() == "sqlite" }

// IsPostgres reports whether db is Postgres.
func IsPostgres(db *gorm.DB) bool { return db.Dialector.Name() == "postgres" }

// Close releases db's connection pool.
func Close(db *gorm.DB) {
	if sqlDB, err := db.DB(); err == nil {
		sqlDB.Close()
	}
}
