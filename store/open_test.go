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
