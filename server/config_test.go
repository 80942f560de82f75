package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigErrorsNameEachBadValue checks that start-up refuses bad
// configuration with one line per bad variable and exit code 2.
func TestConfigErrorsNameEachBadValue(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"DOSELOOP_DATABASE_URL":     "mysql://x",
		"DOSELOOP_TOKEN_SECRET":     "short",
		"DOSELOOP_ACCESS_TTL":       "soon",
		"DOSELOOP_LOG_LEVEL":        "loud",
		"DOSELOOP_SCHEDULER":        "maybe",
		"DOSELOOP_WEBHOOK_URL":      "ftp://gw",
		"DOSELOOP_ADMIN_UNUSED":     "ignored",
		"DOSELOOP_SHUTDOWN_TIMEOUT": "1ms",
		"DOSELOOP_PUBLIC_URL":       "doseloop.example/fhir?x=1",
	}
	var out, errb bytes.Buffer
	code := run([]string{"serve"}, func(k string) string { return env[k] }, &out, &errb)
	if code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	for _, name := range []string{"DATABASE_URL", "TOKEN_SECRET", "ACCESS_TTL", "LOG_LEVEL", "SCHEDULER", "WEBHOOK_URL", "WEBHOOK_SECRET", "SHUTDOWN_TIMEOUT", "PUBLIC_URL"} {
		n := 0
		for _, l := range lines {
			if strings.HasPrefix(l, "config error: DOSELOOP_"+name+":") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("want exactly one line about DOSELOOP_%s, got %d in:\n%s", name, n, errb.String())
		}
	}
}

func TestConfigSecretFromFile(t *testing.T) {
	t.Parallel()
	f := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(f, []byte("0123456789abcdef0123456789abcdef\n"), 0o600)
	cfg, errs := LoadConfig(func(k string) string {
		return map[string]string{"DOSELOOP_TOKEN_SECRET_FILE": f}[k]
	})
	if len(errs) > 0 || string(cfg.TokenSecret) != "0123456789abcdef0123456789abcdef" {
		t.Fatalf("secret from file: %q %v", cfg.TokenSecret, errs)
	}
	_, errs = LoadConfig(func(k string) string {
		return map[string]string{"DOSELOOP_TOKEN_SECRET_FILE": f + ".missing"}[k]
	})
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "DOSELOOP_TOKEN_SECRET_FILE") {
		t.Fatalf("missing secret file: %v", errs)
	}
}

func TestUnknownSubcommand(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	if code := run([]string{"frobnicate"}, func(string) string { return "" }, &out, &errb); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
}

// DOSELOOP_PUBLIC_URL is kept without its trailing slash.
func TestConfigPublicURL(t *testing.T) {
	t.Parallel()
	cfg, errs := LoadConfig(func(k string) string {
		return map[string]string{"DOSELOOP_PUBLIC_URL": "https://doseloop.example.org/"}[k]
	})
	if len(errs) > 0 || cfg.PublicURL != "https://doseloop.example.org" {
		t.Fatalf("public URL %q %v", cfg.PublicURL, errs)
	}
}

// TestSecurityConfig: the security variables are read and their bad values
// named, one line each.
func TestSecurityConfig(t *testing.T) {
	t.Parallel()
	cfg, errs := LoadConfig(func(k string) string {
		return map[string]string{"DOSELOOP_SESSION_IDLE": "5m", "DOSELOOP_SESSION_MAX": "8h", "DOSELOOP_BREAK_GLASS_TTL": "1h",
			"DOSELOOP_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1", "DOSELOOP_SECURE_COOKIES": "on"}[k]
	})
	if len(errs) > 0 || cfg.SessionIdle.Minutes() != 5 || cfg.SessionMax.Hours() != 8 || cfg.BreakGlassTTL.Hours() != 1 ||
		len(cfg.TrustedProxies) != 2 || !cfg.SecureCookies {
		t.Fatalf("read: %+v %v", cfg, errs)
	}
	_, errs = LoadConfig(func(k string) string {
		return map[string]string{"DOSELOOP_SESSION_IDLE": "1s", "DOSELOOP_TRUSTED_PROXIES": "proxy.local",
			"DOSELOOP_TLS_CERT_FILE": "/x.pem", "DOSELOOP_BOOTSTRAP_ADMIN_PASSWORD": "password1234"}[k]
	})
	var all []string
	for _, e := range errs {
		all = append(all, e.Error())
	}
	for _, name := range []string{"SESSION_IDLE", "TRUSTED_PROXIES", "TLS_CERT_FILE", "BOOTSTRAP_ADMIN_PASSWORD"} {
		if !strings.Contains(strings.Join(all, "\n"), "DOSELOOP_"+name+":") {
			t.Errorf("no error about DOSELOOP_%s in %v", name, all)
		}
	}
}
