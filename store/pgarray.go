package store

import (
	"database/sql/driver"
	"strconv"
	"strings"
	"time"
)

// PGArray is one Postgres array parameter in text form ({"a","b"}): a
// set-based statement passes a whole column as one parameter and reads it
// back with unnest(?::text::type[]), instead of a placeholder per row
// (fewer parameters to bind and plan, no limit on the rows per statement).
// Build it with Int64s, Ints, Texts or Times. Cast it from text in the SQL
// (?::text::bigint[]): typed as an array, pgx would parse the literal and
// encode it again in binary, a third of the expansion's client CPU.
// It is a struct, not a slice, on purpose: GORM would expand a slice into
// a list of placeholders, and pgx would first try (and fail, expensively)
// to encode a slice element by element; a driver.Valuer is sent as its text.
type PGArray struct{ elems []string }

// Value renders the array literal, every element quoted.
func (a PGArray) Value() (driver.Value, error) {
	var sb strings.Builder
	sb.Grow(len(a.elems) * 16)
	sb.WriteByte('{')
	for i, v := range a.elems {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('"')
		if strings.ContainsAny(v, `"\`) {
			v = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v)
		}
		sb.WriteString(v)
		sb.WriteByte('"')
	}
	sb.WriteByte('}')
	return sb.String(), nil
}

// Int64s is a bigint[] parameter.
func Int64s(v []int64) PGArray {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = strconv.FormatInt(x, 10)
	}
	return PGArray{out}
}

// Ints is an integer[] parameter.
func Ints(v []int) PGArray {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = strconv.Itoa(x)
	}
	return PGArray{out}
}

// Texts is a text[] parameter.
func Texts(v []string) PGArray { return PGArray{v} }

// Times is a timestamptz[] parameter (UTC, microseconds kept).
func Times(v []time.Time) PGArray {
	out := make([]string, len(v))
	for i, t := range v {
		out[i] = t.UTC().Format("2006-01-02T15:04:05.999999Z07:00")
	}
	return PGArray{out}
}
