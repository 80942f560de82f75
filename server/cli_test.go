package main

import (
	"bytes"
	"context"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/doseloop/doseloop/store"
)

// TestHelpListsEverySubcommand: -h, --help and help exit 0 and name every
// subcommand and serve's flags.
func TestHelpListsEverySubcommand(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "--help", "help"} {
		var out, errb bytes.Buffer
		if code := run([]string{arg}, func(string) string { return "" }, &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d", arg, code)
		}
		for _, c := range commands() {
			if !strings.Contains(out.String(), "  "+c.name) {
				t.Errorf("%s does not list %q:\n%s", arg, c.name, out.String())
			}
		}
		if !strings.Contains(out.String(), "-demo") || !strings.Contains(out.String(), "usage: doseloop") {
			t.Errorf("%s: no serve flags or wrong program name:\n%s", arg, out.String())
		}
	}
}

// TestSubcommandHelpHasNoSideEffects: every subcommand answers -h with exit
// 0, and `seed --help` does not seed (the database file is never created).
func TestSubcommandHelpHasNoSideEffects(t *testing.T) {
	t.Parallel()
	dbFile := filepath.Join(t.TempDir(), "never.db")
	env := func(k string) string {
		if k == "DOSELOOP_DATABASE_URL" {
			return "sqlite:" + dbFile
		}
		return ""
	}
	for _, c := range commands() {
		if c.run == nil {
			continue
		}
		var out, errb bytes.Buffer
		if code := run([]string{c.name, "--help"}, env, &out, &errb); code != 0 || !strings.Contains(out.String(), "usage: doseloop "+c.name) {
			t.Errorf("%s --help: exit %d\n%s%s", c.name, code, out.String(), errb.String())
		}
	}
	var out bytes.Buffer
	run([]string{"bench", "ingest", "-h"}, env, &out, &out)
	if !strings.Contains(out.String(), "-batch") {
		t.Errorf("bench ingest -h does not list its flags:\n%s", out.String())
	}
	if _, err := os.Stat(dbFile); !os.IsNotExist(err) {
		t.Fatalf("a help request touched the database: %v", err)
	}
}

// TestPortClashTouchesNothing: when the listen address is taken the server
// exits before it creates a database or an admin.
func TestPortClashTouchesNothing(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dbFile := filepath.Join(t.TempDir(), "clash.db")
	env := map[string]string{"DOSELOOP_DATABASE_URL": "sqlite:" + dbFile}
	var out, errb bytes.Buffer
	code := run([]string{"serve", "-addr", ln.Addr().String()}, func(k string) string { return env[k] }, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "cannot listen on") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if out.Len() > 0 {
		t.Errorf("printed before failing (a password?): %q", out.String())
	}
	if _, err := os.Stat(dbFile); !os.IsNotExist(err) {
		t.Fatalf("the database was created before the bind failed: %v", err)
	}
}

// TestUnknownVariablesAreNamed: a misspelt variable is warned about with the
// closest real name; real ones and test-only ones are not.
func TestUnknownVariablesAreNamed(t *testing.T) {
	t.Parallel()
	got := unknownEnv([]string{"DOSELOOP_DATABSE_URL=x", "DOSELOOP_ADDR=:1", "DOSELOOP_TEST_DATABASE_URL=y",
		"DOSELOOP_TOKEN_SECRET_FILE=/s", "HOME=/root", "DOSELOOP_ZZZZZZZZZZZZZZZZZZZZ=1"})
	want := []string{
		"DOSELOOP_DATABSE_URL is not a DoseLoop setting and is ignored (did you mean DOSELOOP_DATABASE_URL?)",
		"DOSELOOP_ZZZZZZZZZZZZZZZZZZZZ is not a DoseLoop setting and is ignored",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestVersionPrintsRevision builds the real binary from this checkout and
// checks `doseloop version` and `-version` print the commit Go stamped in.
func TestVersionPrintsRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	rev, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout (git rev-parse: %v): the VCS revision cannot be stamped", err)
	}
	top, _ := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if fi, err := os.Stat(filepath.Join(strings.TrimSpace(string(top)), ".git")); err != nil || !fi.IsDir() {
		t.Skip("a git worktree (.git is a file): Go stamps VCS information only in a full clone")
	}
	bin := filepath.Join(t.TempDir(), "doseloop")
	build := exec.Command("go", "build", "-buildvcs=true", "-ldflags", "-X github.com/doseloop/doseloop/buildinfo.Version=9.8.7", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, arg := range []string{"version", "-version"} {
		out, err := exec.Command(bin, arg).Output()
		if err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		if !strings.Contains(string(out), "doseloop 9.8.7 (revision "+string(rev[:12])) {
			t.Errorf("%s printed %q, want version 9.8.7 and revision %s", arg, out, rev[:12])
		}
	}
}

// TestProbe: the container health check exits 0 on /readyz and 1 on a
// refused connection.
func TestProbe(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	srv := httptest.NewServer(b.h)
	defer srv.Close()
	var out bytes.Buffer
	if code := run([]string{"probe", srv.URL + "/readyz"}, func(string) string { return "" }, &out, &out); code != 0 {
		t.Fatalf("probe of a ready server: exit %d: %s", code, out.String())
	}
	srv.Close()
	if code := run([]string{"probe", srv.URL + "/readyz"}, func(string) string { return "" }, &out, &out); code != 1 {
		t.Fatalf("probe of a closed server: exit %d", code)
	}
}

// TestBrowserURL: the demo prints a URL a person can open, whatever the
// listen address looks like.
func TestBrowserURL(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{":8080": "http://localhost:8080", "127.0.0.1:18080": "http://127.0.0.1:18080",
		"0.0.0.0:80": "http://localhost:80", "[::]:9090": "http://localhost:9090", "clinic.lan:8080": "http://clinic.lan:8080"} {
		if got := (&app{cfg: Config{Addr: addr}}).browserURL(); got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
}

// TestRollupVerify: on the demo clinic the rollup is exact; a tampered day
// is named and the exit code is 1.
func TestRollupVerify(t *testing.T) {
	t.Parallel()
	url := "sqlite:" + filepath.Join(t.TempDir(), "r.db")
	env := func(k string) string {
		if k == "DOSELOOP_DATABASE_URL" {
			return url
		}
		return ""
	}
	var out, errb bytes.Buffer
	if code := run([]string{"seed"}, env, &out, &errb); code != 0 {
		t.Fatalf("seed: exit %d: %s", code, errb.String())
	}
	out.Reset()
	if code := run([]string{"rollup", "verify"}, env, &out, &errb); code != 0 || !strings.Contains(out.String(), "rollup exact") {
		t.Fatalf("rollup verify on the demo: exit %d\n%s%s", code, out.String(), errb.String())
	}
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	db.Exec("UPDATE adherence_days SET taken = taken + 1 WHERE rowid = (SELECT MIN(rowid) FROM adherence_days)")
	store.Close(db)
	out.Reset()
	if code := run([]string{"rollup", "verify"}, env, &out, &errb); code != 1 || !strings.Contains(out.String(), "rollup DIFFERS: patient") {
		t.Fatalf("rollup verify after tampering: exit %d\n%s", code, out.String())
	}
}
