package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/retention"
)

// Config is everything the server reads from the environment. Each variable
// is DOSELOOP_<NAME>; secrets also accept DOSELOOP_<NAME>_FILE.
type Config struct {
	Addr                    string           // DOSELOOP_ADDR, default :8080
	DatabaseURL             string           // DOSELOOP_DATABASE_URL (secret), default sqlite:doseloop.db
	TokenSecret             []byte           // DOSELOOP_TOKEN_SECRET (secret), >= 32 bytes; random per process if unset
	AccessTTL               time.Duration    // DOSELOOP_ACCESS_TTL, default 15m
	RefreshTTL              time.Duration    // DOSELOOP_REFRESH_TTL, default 720h
	AdminEmail              string           // DOSELOOP_BOOTSTRAP_ADMIN_EMAIL, default admin@doseloop.local
	AdminPassword           string           // DOSELOOP_BOOTSTRAP_ADMIN_PASSWORD (secret); generated and printed if unset
	LogLevel                string           // DOSELOOP_LOG_LEVEL: debug|info|warn|error
	LogFormat               string           // DOSELOOP_LOG_FORMAT: text|json
	Scheduler               bool             // DOSELOOP_SCHEDULER: on|off, default on
	ShutdownTimeout         time.Duration    // DOSELOOP_SHUTDOWN_TIMEOUT, default 20s
	SecureCookies           bool             // DOSELOOP_SECURE_COOKIES=on forces Secure cookies; auto (default) follows the request's scheme
	SessionIdle             time.Duration    // DOSELOOP_SESSION_IDLE: dashboard idle timeout, default 15m
	SessionMax              time.Duration    // DOSELOOP_SESSION_MAX: dashboard absolute lifetime, default 12h
	BreakGlassTTL           time.Duration    // DOSELOOP_BREAK_GLASS_TTL: emergency access lifetime, default 4h
	TrustedProxies          []string         // DOSELOOP_TRUSTED_PROXIES: comma-separated CIDRs/addresses whose X-Forwarded-* are believed
	TLSCertFile             string           // DOSELOOP_TLS_CERT_FILE: serve HTTPS (TLS 1.2+, HSTS) with this certificate
	TLSKeyFile              string           // DOSELOOP_TLS_KEY_FILE: and this key
	FirebaseCredentialsFile string           // DOSELOOP_FIREBASE_CREDENTIALS_FILE: service-account JSON; unset = log channel
	FirebaseProjectID       string           // DOSELOOP_FIREBASE_PROJECT_ID (defaults to the credentials' project)
	WebhookURL              string           // DOSELOOP_WEBHOOK_URL: SMS/voice gateway endpoint; unset = no webhook channel
	WebhookSecret           []byte           // DOSELOOP_WEBHOOK_SECRET (secret): HMAC key for X-DoseLoop-Signature
	MetricsAddr             string           // DOSELOOP_METRICS_ADDR: serve /metrics here instead of on DOSELOOP_ADDR
	PublicURL               string           // DOSELOOP_PUBLIC_URL: public base URL (FHIR fullUrls); unset = urn:uuid
	FallbackAfter           time.Duration    // DOSELOOP_FALLBACK_AFTER: a critical escalation's push failing this long goes by webhook (0: never)
	Retention               retention.Policy // DOSELOOP_RETENTION_*_DAYS (config_retention.go)
	FirebaseWeb             *firebaseWeb     // DOSELOOP_FIREBASE_WEB_*: the web app's push config; nil = push off (config_app.go)
	AppURL                  string           // DOSELOOP_APP_URL: the app's public https URL, linked from web push notifications
	// dispatchLease overrides the outbox claim lease (0: the default). Only
	// bench soak sets it: on its fast clock a real send takes simulated hours.
	dispatchLease time.Duration
}

type env struct {
	get  func(string) string
	errs []error
}

func (e *env) str(name, def string) string {
	if v := strings.TrimSpace(e.get("DOSELOOP_" + name)); v != "" {
		return v
	}
	return def
}

// secret reads DOSELOOP_<name>, or the file named by DOSELOOP_<name>_FILE.
func (e *env) secret(name string) string {
	v, file := e.get("DOSELOOP_"+name), e.get("DOSELOOP_"+name+"_FILE")
	if v != "" && file != "" {
		e.fail(name, "set DOSELOOP_%s or DOSELOOP_%s_FILE, not both", name, name)
		return ""
	}
	if file == "" {
		return v
	}
	b, err := os.ReadFile(file)
	if err != nil {
		e.fail(name+"_FILE", "cannot read %q: %v", file, errors.Unwrap(err))
		return ""
	}
	return strings.TrimSpace(string(b))
}

func (e *env) duration(name string, def, min time.Duration) time.Duration {
	s := e.str(name, "")
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < min {
		e.fail(name, "must be a duration of at least %s such as 15m or 2h (got %q)", min, s)
		return def
	}
	return d
}

func (e *env) list(name string) []string {
	var out []string
	for _, v := range strings.Split(e.str(name, ""), ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func validProxy(s string) bool {
	if _, _, err := net.ParseCIDR(s); err == nil {
		return true
	}
	return net.ParseIP(s) != nil
}

func (e *env) onOff(name string, def bool) bool {
	switch strings.ToLower(e.str(name, "")) {
	case "":
		return def
	case "on", "true", "1", "yes":
		return true
	case "off", "false", "0", "no":
		return false
	}
	e.fail(name, "must be on or off (got %q)", e.str(name, ""))
	return def
}

func (e *env) oneOf(name, def string, allowed ...string) string {
	v := strings.ToLower(e.str(name, def))
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	e.fail(name, "must be one of %s (got %q)", strings.Join(allowed, ", "), v)
	return def
}

func (e *env) fail(name, format string, args ...any) {
	e.errs = append(e.errs, fmt.Errorf("DOSELOOP_%s: "+format, append([]any{name}, args...)...))
}

// LoadConfig reads and validates the configuration; it returns every bad
// value at once, one error per variable.
func LoadConfig(getenv func(string) string) (Config, []error) {
	e := &env{get: getenv}
	c := Config{
		Addr:                    e.str("ADDR", ":8080"),
		DatabaseURL:             e.secret("DATABASE_URL"),
		TokenSecret:             []byte(e.secret("TOKEN_SECRET")),
		AccessTTL:               e.duration("ACCESS_TTL", 15*time.Minute, time.Minute),
		RefreshTTL:              e.duration("REFRESH_TTL", 720*time.Hour, time.Hour),
		AdminEmail:              e.str("BOOTSTRAP_ADMIN_EMAIL", "admin@doseloop.local"),
		AdminPassword:           e.secret("BOOTSTRAP_ADMIN_PASSWORD"),
		LogLevel:                e.oneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error"),
		LogFormat:               e.oneOf("LOG_FORMAT", "text", "text", "json"),
		Scheduler:               e.onOff("SCHEDULER", true),
		ShutdownTimeout:         e.duration("SHUTDOWN_TIMEOUT", 20*time.Second, time.Second),
		SecureCookies:           e.oneOf("SECURE_COOKIES", "auto", "auto", "on", "off", "true", "false") == "on",
		SessionIdle:             e.duration("SESSION_IDLE", 15*time.Minute, time.Minute),
		SessionMax:              e.duration("SESSION_MAX", 12*time.Hour, 10*time.Minute),
		BreakGlassTTL:           e.duration("BREAK_GLASS_TTL", 4*time.Hour, 5*time.Minute),
		TrustedProxies:          e.list("TRUSTED_PROXIES"),
		TLSCertFile:             e.str("TLS_CERT_FILE", ""),
		TLSKeyFile:              e.str("TLS_KEY_FILE", ""),
		FirebaseCredentialsFile: e.str("FIREBASE_CREDENTIALS_FILE", ""),
		FirebaseProjectID:       e.str("FIREBASE_PROJECT_ID", ""),
		WebhookURL:              e.str("WEBHOOK_URL", ""),
		WebhookSecret:           []byte(e.secret("WEBHOOK_SECRET")),
		MetricsAddr:             e.str("METRICS_ADDR", ""),
		PublicURL:               strings.TrimRight(e.str("PUBLIC_URL", ""), "/"),
		FallbackAfter:           e.duration("FALLBACK_AFTER", 10*time.Minute, 0),
		Retention:               e.retention(),
	}
	e.publicURL(c.PublicURL)
	c.FirebaseWeb, c.AppURL = loadAppConfig(e, c.FirebaseProjectID, c.PublicURL)
	if c.DatabaseURL == "" {
		c.DatabaseURL = store.DefaultURL
	}
	if !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") &&
		!strings.HasPrefix(c.DatabaseURL, "sqlite:") {
		e.fail("DATABASE_URL", "must start with postgres://, postgresql:// or sqlite:")
	}
	if len(c.TokenSecret) > 0 && len(c.TokenSecret) < 32 {
		e.fail("TOKEN_SECRET", "must be at least 32 bytes (got %d)", len(c.TokenSecret))
	}
	if !strings.Contains(c.AdminEmail, "@") {
		e.fail("BOOTSTRAP_ADMIN_EMAIL", "must be an email address (got %q)", c.AdminEmail)
	}
	if c.AdminPassword != "" {
		if err := auth.CheckPassword("password", c.AdminPassword, c.AdminEmail); err != nil {
			e.fail("BOOTSTRAP_ADMIN_PASSWORD", "%s", strings.TrimPrefix(err.Error(), "invalid: "))
		}
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		e.fail("TLS_CERT_FILE", "set both DOSELOOP_TLS_CERT_FILE and DOSELOOP_TLS_KEY_FILE, or neither")
	}
	for _, p := range c.TrustedProxies {
		if !validProxy(p) {
			e.fail("TRUSTED_PROXIES", "%q is not an IP address or CIDR", p)
		}
	}
	if c.FirebaseCredentialsFile != "" {
		if _, err := os.Stat(c.FirebaseCredentialsFile); err != nil {
			e.fail("FIREBASE_CREDENTIALS_FILE", "cannot read %q", c.FirebaseCredentialsFile)
		}
	}
	if c.WebhookURL != "" && !strings.HasPrefix(c.WebhookURL, "http://") && !strings.HasPrefix(c.WebhookURL, "https://") {
		e.fail("WEBHOOK_URL", "must be an http:// or https:// URL")
	}
	if c.WebhookURL != "" && len(c.WebhookSecret) < 16 {
		e.fail("WEBHOOK_SECRET", "must be set (at least 16 bytes) when DOSELOOP_WEBHOOK_URL is set")
	}
	return c, e.errs
}

// publicURL checks DOSELOOP_PUBLIC_URL: an absolute http(s) URL with a host
// and no query or fragment (FHIR fullUrls are built on it).
func (e *env) publicURL(v string) {
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		e.fail("PUBLIC_URL", "must be an absolute http:// or https:// URL without query, fragment or credentials, such as https://doseloop.example.org (got %q)", v)
	}
}
