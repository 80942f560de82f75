package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/notify/fcm"
	"github.com/doseloop/doseloop/notify/fcmfake"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"golang.org/x/oauth2"
	"google.golang.org/api/option"
	"gorm.io/gorm"
)

// t0 is 10:00 in New York (EDT).
var t0 = time.Date(2026, 6, 10, 14, 0, 0, 0, time.UTC)

const project = "doseloop-test"

// bundle is one test's world: a database, a fake clock, the fake FCM
// server and a dispatcher sending through the real SDK to it.
type bundle struct {
	db     *gorm.DB
	clk    *clock.Fake
	fake   *fcmfake.Server
	d      *notify.Dispatcher
	w      *storetest.World
	tokens notify.Tokens
}

func setup(t *testing.T, db *gorm.DB) *bundle {
	t.Helper()
	b := &bundle{db: db, clk: clock.NewFake(t0), fake: fcmfake.New(project)}
	url := b.fake.Start()
	t.Cleanup(b.fake.Close)
	ch, err := fcm.New(context.Background(), fcm.Config{ProjectID: project, Options: []option.ClientOption{
		option.WithEndpoint(url + "/v1"),
		option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-access-token"})),
	}})
	if err != nil {
		t.Fatalf("fcm.New: %v", err)
	}
	b.w = storetest.NewWorld(t, db, "n", t0)
	b.tokens = notify.Tokens{DB: db, Clock: b.clk}
	b.d = &notify.Dispatcher{DB: db, Clock: b.clk, Push: ch, Rand: func() float64 { return 0.5 }}
	return b
}

// token registers a push token for user.
func (b *bundle) token(t *testing.T, userID int64, tok string) store.PushToken {
	t.Helper()
	pt, err := b.tokens.Upsert(context.Background(), notify.TokenInput{UserID: userID, Platform: "android", Token: tok, Locale: "en"})
	if err != nil {
		t.Fatalf("upsert token: %v", err)
	}
	return pt
}

// enqueue writes an outbox row due now.
func (b *bundle) enqueue(t *testing.T, key string, to int64, channel string, critical bool, p store.OutboxPayload) store.Notification {
	t.Helper()
	n := store.Notification{DedupeKey: key, RecipientID: to, Channel: channel, Kind: "reminder", Critical: critical,
		NotBefore: b.clk.Now(), CreatedAt: b.clk.Now()}
	if ok, err := store.Enqueue(b.db, &n, p); err != nil || !ok {
		t.Fatalf("enqueue %s: ok=%v err=%v", key, ok, err)
	}
	return n
}

func (b *bundle) tick(t *testing.T) notify.Stats {
	t.Helper()
	st, err := b.d.Tick(context.Background())
	if err != nil {
		t.Fatalf("tick: %v", err)
	}
	return st
}

func (b *bundle) row(t *testing.T, id int64) store.Notification {
	t.Helper()
	var n store.Notification
	if err := b.db.First(&n, id).Error; err != nil {
		t.Fatalf("load notification %d: %v", id, err)
	}
	return n
}

func reminder(doseID int64) store.OutboxPayload {
	return store.OutboxPayload{Template: "dose_reminder", PatientID: 1, PatientName: "Pat Patient",
		Medication: "Metformin", DoseID: doseID, LocalTime: "08:00", TimeZone: "America/New_York"}
}
