package faults_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/notify/fcm"
	"github.com/doseloop/doseloop/notify/fcmfake"
	"golang.org/x/oauth2"
	"google.golang.org/api/option"
	"gorm.io/gorm"
)

const project = "doseloop-faults"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// fakeFCM starts the local FCM server and a real SDK channel pointed at it.
func fakeFCM(t *testing.T) (*fcmfake.Server, notify.Notifier) {
	t.Helper()
	fake := fcmfake.New(project)
	url := fake.Start()
	t.Cleanup(fake.Close)
	ch, err := fcm.New(context.Background(), fcm.Config{ProjectID: project, Options: []option.ClientOption{
		option.WithEndpoint(url + "/v1"),
		option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "test-access-token"})),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return fake, ch
}

// token registers a push token for a user.
func token(t *testing.T, db *gorm.DB, clk clock.Clock, userID int64, tok string) {
	t.Helper()
	tokens := notify.Tokens{DB: db, Clock: clk}
	if _, err := tokens.Upsert(context.Background(), notify.TokenInput{UserID: userID, Platform: "android", Token: tok, Locale: "en"}); err != nil {
		t.Fatal(err)
	}
}
