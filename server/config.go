package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/doseloop/doseloop/store"
)

// Config is everything the server reads from the environment. Each variable
// is DOSELOOP_<NAME>; secrets also accept DOSELOOP_<NAME>_FILE.
type Config struct {
	Addr                    string        // DOSELOOP_ADDR, default :8080
	DatabaseURL             string        // DOSELOOP_DATABASE_URL (secret), default sqlite:doseloop.db
	TokenSecret             []byte        // DOSELOOP_TOKEN_SECRET (secret), >= 32 bytes; random per process if unset
	AccessTTL               time.Duration // DOSELOOP_ACCESS_TTL, default 15m
	RefreshTTL              time.Duration // DOSELOOP_REFRESH_TTL, default 720h
	AdminEmail              string        // DOSELOOP_BOOTSTRAP_ADMIN_EMAIL, default admin@doseloop.local
	AdminPassword           string        // DOSELOOP_BOOTSTRAP_ADMIN_PASSWORD (secret); generated and printed if unset
	LogLevel                string        // DOSELOOP_LOG_LEVEL: debug|info|warn|error
	LogFormat               string        // DOSELOOP_LOG_FORMAT: text|json
	Scheduler               bool          // DOSELOOP_SCHEDULER: on|off, default on
	ShutdownTimeout         time.Duration // DOSELOOP_SHUTDOWN_TIMEOUT, default 20s
	SecureCookies           bool          // DOSELOOP_SECURE_COOKIES: on|off, default on
	FirebaseCredentialsFile string        // DOSELOOP_FIREBASE_CREDENTIALS_FILE: service-account JSON; unset = log channel
	FirebaseProjectID       string        // DOSELOOP_FIREBASE_PROJECT_ID (defaults to the credentials' project)
	WebhookURL              string        // DOSELOOP_WEBHOOK_URL: SMS/voice gateway endpoint; unset = no webhook channel
	WebhookSecret           []byte        // DOSELOOP_WEBHOOK_SECRET (secret): HMAC key for X-DoseLoop-Signature
	FallbackAfter           time.Duration // DOSELOOP_FALLBACK_AFTER: a critical escalation's push failing this long goes by webhook (0: never)
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
		SecureCookies:           e.onOff("SECURE_COOKIES", true),
		FirebaseCredentialsFile: e.str("FIREBASE_CREDENTIALS_FILE", ""),
		FirebaseProjectID:       e.str("FIREBASE_PROJECT_ID", ""),
		WebhookURL:              e.str("WEBHOOK_URL", ""),
		WebhookSecret:           []byte(e.secret("WEBHOOK_SECRET")),
		FallbackAfter:           e.duration("FALLBACK_AFTER", 10*time.Minute, 0),
	}
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
	if c.AdminPassword != "" && len(c.AdminPassword) < 10 {
		e.fail("BOOTSTRAP_ADMIN_PASSWORD", "must be at least 10 characters")
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
