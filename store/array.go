package store

import "database/sql/driver"

// Array passes a Go slice (of int64, string, bool, time.Time, or pointers
// to them for NULLs) to Postgres as one array parameter: write "?::bigint[]"
// and the like in the SQL. GORM would otherwise expand a slice into a list
// of parameters, and a statement whose text changes with the batch size is
// parsed and planned again for every size; with arrays it is prepared once
// per connection. Postgres only.
func Array(v any) driver.Valuer { return pgArray{v} }

// pgArray hands its slice to pgx unchanged (pgx encodes Go slices as arrays
// natively and database/sql passes a Valuer through to it as it is).
type pgArray struct{ v any }

// Value returns the slice itself.
func (a pgArray) Value() (driver.Value, error) { return a.v, nil }
