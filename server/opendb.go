package main

import (
	"context"
	"fmt"
	"io"

	"github.com/doseloop/doseloop/store"
	"gorm.io/gorm"
)

// openConfigured opens and migrates the configured database for a
// one-shot subcommand (audit verify, rollup verify). On failure it has
// printed why and returns the exit code: 2 for a configuration error, 1
// for a database that cannot be opened.
func openConfigured(getenv func(string) string, stderr io.Writer) (*gorm.DB, int) {
	cfg, ok := loadConfigOrExit(getenv, stderr)
	if !ok {
		return nil, 2
	}
	db, err := store.OpenMigrated(context.Background(), cfg.DatabaseURL)
	if err != nil {
		fmt.Fprintln(stderr, "doseloop:", err)
		return nil, 1
	}
	return db, 0
}
