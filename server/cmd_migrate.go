package main

import (
	"context"
	"fmt"
	"io"

	"github.com/doseloop/doseloop/store"
)

func cmdMigrate(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) != 1 || (args[0] != "up" && args[0] != "down" && args[0] != "status") {
		fmt.Fprintf(stderr, "usage: %s migrate up|down|status\n", program)
		return 2
	}
	cfg, ok := loadConfigOrExit(getenv, stderr)
	if !ok {
		return 2
	}
	ctx := context.Background()
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		fmt.Fprintln(stderr, "doseloop:", err)
		return 1
	}
	m, err := store.NewMigrator(db)
	if err == nil {
		switch args[0] {
		case "up":
			err = m.Up(ctx)
		case "down":
			err = m.Down(ctx)
		}
	}
	if err == nil {
		var st []*statusRow
		st, err = migrationStatus(ctx, m)
		for _, s := range st {
			fmt.Fprintf(stdout, "%-8s %05d %s\n", s.state, s.version, s.name)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "doseloop: migrate:", err)
		return 1
	}
	return 0
}

type statusRow struct {
	state   string
	version int64
	name    string
}

func migrationStatus(ctx context.Context, m *store.Migrator) ([]*statusRow, error) {
	st, err := m.Status(ctx)
	var rows []*statusRow
	for _, s := range st {
		rows = append(rows, &statusRow{state: string(s.State), version: s.Source.Version, name: s.Source.Path})
	}
	return rows, err
}
