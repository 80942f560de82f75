package fcm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	firebase "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/messaging"
	"github.com/doseloop/doseloop/notify"
	"google.golang.org/api/option"
)

// Config names the Firebase project and how to authenticate.
type Config struct {
	CredentialsFile string // service-account JSON (DOSELOOP_FIREBASE_CREDENTIALS_FILE)
	ProjectID       string // defaults to the credentials' project_id
	// Options are extra client options: tests pass option.WithEndpoint and
	// option.WithTokenSource to reach a local fcmfake server.
	Options []option.ClientOption
	// AppURL is the web app's public https URL (DOSELOOP_APP_URL), used as a
	// browser notification's fcm_options.link; "" leaves the link in data only.
	AppURL string
}

// Channel sends push messages through FCM. It implements notify.Notifier.
type Channel struct {
	client      *messaging.Client
	ReminderTTL time.Duration // reminders expire after this (default 1h)
	AlertTTL    time.Duration // alerts expire after this (default 4h)
	appURL      string
}

// New builds the Firebase app and messaging client.
func New(ctx context.Context, cfg Config) (*Channel, error) {
	opts := append([]option.ClientOption(nil), cfg.Options...)
	if cfg.CredentialsFile != "" {
		opts = append(opts, option.WithAuthCredentialsFile(option.ServiceAccount, cfg.CredentialsFile))
		if cfg.ProjectID == "" {
			cfg.ProjectID = projectOf(cfg.CredentialsFile)
		}
	}
	if cfg.ProjectID == "" {
		return nil, errors.New("fcm: no project id (set DOSELOOP_FIREBASE_PROJECT_ID or use a service-account file with project_id)")
	}
	app, err := firebase.NewApp(ctx, &firebase.Config{ProjectID: cfg.ProjectID}, opts...)
	if err != nil {
		return nil, fmt.Errorf("fcm: firebase app: %w", err)
	}
	client, err := app.Messaging(ctx)
	if err != nil {
		return nil, fmt.Errorf("fcm: messaging client: %w", err)
	}
	return &Channel{client: client, ReminderTTL: time.Hour, AlertTTL: 4 * time.Hour, appURL: cfg.AppURL}, nil
}

// projectOf reads project_id from a service-account file ("" if absent).
func projectOf(file string) string {
	b, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	var sa struct {
		ProjectID string `json:"project_id"`
	}
	json.Unmarshal(b, &sa)
	return sa.ProjectID
}

// Notify sends m to its push target.
func (c *Channel) Notify(ctx context.Context, m *notify.Message) (string, bool, time.Duration, error) {
	if m.Target == nil {
		return "", false, 0, errors.New("fcm: message has no push target")
	}
	id, err := c.client.Send(ctx, Build(m, c.ttl(m), c.appURL))
	if err != nil {
		// Classify the SDK's own error value before anything wraps it.
		retryable, after, cerr := Classify(err, m.Now)
		return "", retryable, after, cerr
	}
	return id, false, 0, nil
}

func (c *Channel) ttl(m *notify.Message) time.Duration {
	switch m.Payload.Template {
	case "dose_reminder", "dose_rereminder":
		return c.ReminderTTL
	}
	return c.AlertTTL
}

// SetAppURL changes the app URL used for fcm_options.link (see Config.AppURL).
func (c *Channel) SetAppURL(u string) { c.appURL = u }
