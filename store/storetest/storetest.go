// Package storetest gives tests a freshly migrated database of their own:
// SQLite in a temp file always, Postgres when DOSELOOP_TEST_DATABASE_URL is
// set. Each Postgres database is a schema of its own, so tests run in parallel.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// EnvURL names the variable holding the Postgres URL for tests.
const EnvURL = "DOSELOOP_TEST_DATABASE_URL"

// SQLite returns a migrated SQLite database in t's temp dir.
func SQLite(t testing.TB) *gorm.DB {
	t.Helper()
	db := open(t, "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
	migrate(t, db)
	return db
}

// Postgres returns a migrated Postgres database in a new schema, dropped when
// t ends. It skips t when DOSELOOP_TEST_DATABASE_URL is unset.
func Postgres(t testing.TB) *gorm.DB {
	t.Helper()
	db, _ := PostgresURL(t)
	migrate(t, db)
	return db
}

// PostgresURL creates an empty schema and returns an unmigrated connection to
// it plus a URL that reaches it (for starting a server process in a test).
func PostgresURL(t testing.TB) (*gorm.DB, string) {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(EnvURL + " is unset: skipping the Postgres variant (set it to a postgres:// URL to run it)")
	}
	schema := "t_" + randomHex(8)
	admin := open(t, base)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		store.Close(admin)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return open(t, u.String()), u.String()
}

// Each runs fn once per available dialect as parallel subtests "sqlite" and "postgres".
func Each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); fn(t, Postgres(t)) })
}

func open(t testing.TB, u string) *gorm.DB {
	t.Helper()
	db, err := store.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { store.Close(db) })
	return db
}

func migrate(t testing.TB, db *gorm.DB) {
	t.Helper()
	if err := store.Migrate(context.Background(), db); err != nil {
		t.Fatalf("migrate: %v", err)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
