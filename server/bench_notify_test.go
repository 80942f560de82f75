package main

import (
	"bytes"
	"path/filepath"
	"regexp"
	"testing"
)

// A small "bench notify" run on SQLite delivers every row exactly once
// and ends with the documented line.
func TestBenchNotifySmall(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "bench.db")
	env := func(k string) string {
		if k == "DOSELOOP_DATABASE_URL" {
			return db
		}
		return ""
	}
	var out, errb bytes.Buffer
	code := run([]string{"bench", "notify", "-rows", "300", "-users", "20", "-rate", "0", "-latency", "0s"}, env, &out, &errb)
	last := regexp.MustCompile(`notify: sent_per_s=\d+ p99_enqueue_to_sent_ms=\d+ lost=0 duplicates=0\n$`)
	if code != 0 || !last.Match(out.Bytes()) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errb.String())
	}
}
