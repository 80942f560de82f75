package store_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
)

// TestPGArrayRoundTrips: what goes in as an array parameter comes back out
// of unnest unchanged, awkward text (quotes, backslashes, commas, braces,
// the word NULL, empty) and microseconds included.
func TestPGArrayRoundTrips(t *testing.T) {
	t.Parallel()
	db := storetest.Postgres(t)
	texts := []string{`a"b`, `c\d`, "e,f", "{g}", "NULL", "", "08:00"}
	at := time.Date(2026, 3, 8, 7, 0, 0, 123456000, time.UTC)
	var rows []struct {
		N  int64
		S  string
		At time.Time
	}
	ns := []int64{1, -2, 1 << 40, 4, 5, 6, 7}
	ats := make([]time.Time, len(texts))
	for i := range ats {
		ats[i] = at.Add(time.Duration(i) * time.Hour)
	}
	if err := db.Raw("SELECT * FROM unnest(?::text::bigint[], ?::text::text[], ?::text::timestamptz[]) AS v(n, s, at)",
		store.Int64s(ns), store.Texts(texts), store.Times(ats)).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var gotN []int64
	var gotS []string
	for i, r := range rows {
		gotN, gotS = append(gotN, r.N), append(gotS, r.S)
		if !r.At.Equal(ats[i]) {
			t.Errorf("row %d: instant %s, want %s", i, r.At, ats[i])
		}
	}
	if !reflect.DeepEqual(gotN, ns) || !reflect.DeepEqual(gotS, texts) {
		t.Fatalf("got %v %q, want %v %q", gotN, gotS, ns, texts)
	}
}
