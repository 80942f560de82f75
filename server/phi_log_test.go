package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/seed"
	"github.com/doseloop/doseloop/store"
)

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// TestNoPHIInLogs runs a day of the demo clinic with every log captured at
// debug level: sign-ins (right and wrong), API reads and writes, the
// scheduler's reminders, missed-dose sweep and escalation, and dispatch
// through the log channel. No patient name, drug name, email, password or
// token of the fixtures may appear in the log.
func TestNoPHIInLogs(t *testing.T) {
	logs := &syncBuffer{}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })
	b := setup(t, nil)
	ctx := context.Background()
	demo, err := seed.Seed(ctx, b.app.db, b.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	for _, l := range demo.Logins {
		secrets = append(secrets, l.Email, l.Name)
		w := b.do("POST", "/v1/auth/login", map[string]string{"email": l.Email, "password": seed.DemoPassword})
		if w.Code != 200 {
			t.Fatalf("login %s: %d", l.Role, w.Code)
		}
		tok := decode(t, w)
		secrets = append(secrets, tok["access_token"].(string), tok["refresh_token"].(string))
		b.do("POST", "/v1/auth/login", map[string]string{"email": l.Email, "password": "wrong password, twice over"})
		auth := []string{"Authorization", "Bearer " + tok["access_token"].(string)}
		for _, path := range []string{"/v1/me", "/v1/me/today", "/v1/caregiver/alerts", "/v1/adherence", "/v1/admin/users", "/v1/admin/audit"} {
			b.do("GET", path, nil, auth...)
		}
		ptok := "fcm-" + strings.ReplaceAll(l.Email, "@", "-")
		b.do("POST", "/v1/me/push-tokens", map[string]string{"platform": "android", "token": ptok}, auth...)
		secrets = append(secrets, ptok)
	}
	var pts []store.Patient
	var meds []store.Medication
	b.app.db.Find(&pts)
	b.app.db.Find(&meds)
	for _, p := range pts {
		secrets = append(secrets, p.Name)
	}
	for _, m := range meds {
		secrets = append(secrets, m.Name)
	}
	if _, err := schedule.ExtendHorizons(ctx, b.app.db, b.clock.Now(), schedule.DefaultHorizon); err != nil {
		t.Fatal(err)
	}
	s := schedule.New(b.app.db, b.app.clock)
	s.Log = b.app.log
	d := &notify.Dispatcher{DB: b.app.db, Clock: b.app.clock, Logger: b.app.log}
	sent := 0
	for i := 0; i < 24*4; i++ {
		b.clock.Advance(15 * time.Minute)
		if err := s.Tick(ctx, b.clock.Now()); err != nil {
			t.Fatal(err)
		}
		st, err := d.Tick(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sent += st.Sent
	}
	out := logs.String()
	if sent == 0 || !strings.Contains(out, "notification delivered to log") {
		t.Fatalf("the flow sent nothing through the log channel (sent=%d); the test would prove nothing", sent)
	}
	secrets = append(secrets, seed.DemoPassword, "bootstrap-password")
	for _, sec := range secrets {
		if len(sec) >= 4 && strings.Contains(out, sec) {
			t.Errorf("the log contains %q", sec)
		}
	}
	t.Logf("checked %d fixture values against %d bytes of log", len(secrets), len(out))
}
