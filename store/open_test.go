package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/doseloop/doseloop/store"
)

// TestSQLiteFilesArePrivate: the database, its WAL and shared-memory file
// hold health data and are created readable by the owner only, even under a
// permissive umask; an existing world-readable file is tightened.
func TestSQLiteFilesArePrivate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "p.db")
	os.WriteFile(path, nil, 0o644)
	db, err := store.OpenMigrated(context.Background(), "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close(db)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %o, want 600", filepath.Base(p), fi.Mode().Perm())
		}
	}
}

// Postgres connections run with JIT off (short queries pay its compile
// time), unless the URL asks for it.
func TestPostgresJITOff(t *testing.T) {
	t.Parallel()
	base := os.Getenv("DOSELOOP_TEST_DATABASE_URL")
	if base == "" {
		t.Skip("DOSELOOP_TEST_DATABASE_URL is unset: skipping the Postgres test")
	}
	for url, want := range map[string]string{base: "off", base + "&jit=on": "on"} {
		db, err := store.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		db.Raw("SHOW jit").Scan(&got)
		store.Close(db)
		if got != want {
			t.Errorf("jit = %q, want %q", got, want)
		}
	}
}
