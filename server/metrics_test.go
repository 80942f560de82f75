package main

import (
	"bytes"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// scrape returns the /metrics text of b.
func (b *bundle) scrape(t *testing.T) string {
	t.Helper()
	w := b.do("GET", "/metrics", nil)
	if w.Code != 200 {
		t.Fatalf("/metrics: %d", w.Code)
	}
	return w.Body.String()
}

// sample returns the value of the first sample whose line starts with
// prefix (metric name and labels), or -1.
func sample(text, prefix string) float64 {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(prefix) + `\S* (\S+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		return -1
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	return v
}

// TestMetricsMoveWithAFlow signs in twice, fails once, and checks the
// scrape shows it, shows the database figures, and passes promtool.
func TestMetricsMoveWithAFlow(t *testing.T) {
	b := setup(t, nil)
	login := `doseloop_http_requests_total{method="POST",route="/v1/auth/login",status="200"}`
	before := max(sample(b.scrape(t), login), 0)
	b.login(t, "root@example.test", "bootstrap-password")
	b.login(t, "root@example.test", "bootstrap-password")
	text := b.scrape(t)
	if got := sample(text, login); got != before+2 {
		t.Errorf("login counter %v, want %v", got, before+2)
	}
	for _, name := range []string{"doseloop_database_up 1", "doseloop_audit_log_rows ", "go_goroutines ",
		`go_sql_open_connections{db_name="doseloop"}`, "doseloop_http_request_duration_seconds_bucket"} {
		if !strings.Contains(text, name) {
			t.Errorf("scrape lacks %q", name)
		}
	}
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (apt-get install prometheus; .ci/run does): scrape not linted")
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(text)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out.String())
	}
}

// TestServerHeaderAndHead: every answer names the release; HEAD works on
// the probes.
func TestServerHeaderAndHead(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for _, p := range []string{"/healthz", "/readyz"} {
		w := b.do("HEAD", p, nil)
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Server"), "DoseLoop/") {
			t.Errorf("HEAD %s: %d, Server %q", p, w.Code, w.Header().Get("Server"))
		}
	}
	if v := decode(t, b.do("GET", "/readyz", nil))["version"]; v == nil {
		t.Error("/readyz does not carry the version")
	}
}
