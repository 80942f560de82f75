// Package migrations holds DoseLoop's versioned SQL schema, one folder per
// dialect, embedded so the binary migrates itself. Files are goose migrations:
// NNNNN_name.sql with "-- +goose Up" and "-- +goose Down" sections; each runs
// in its own transaction.
package migrations

import "embed"

// FS holds postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS
