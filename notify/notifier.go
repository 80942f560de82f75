package notify

import (
	"context"
	"errors"
	"time"

	"github.com/doseloop/doseloop/store"
)

// Notifier delivers one message through one channel. Like Alertmanager's
// notifiers it reports whether a failure is worth retrying: retryable=false
// with a non-nil err makes the row dead with err as the reason. retryAfter,
// when positive, is the provider's own Retry-After and overrides a shorter
// backoff. providerID is the provider's message id on success.
type Notifier interface {
	Notify(ctx context.Context, m *Message) (providerID string, retryable bool, retryAfter time.Duration, err error)
}

// NotifierFunc adapts a function to Notifier.
type NotifierFunc func(ctx context.Context, m *Message) (string, bool, time.Duration, error)

// Notify calls f.
func (f NotifierFunc) Notify(ctx context.Context, m *Message) (string, bool, time.Duration, error) {
	return f(ctx, m)
}

// ErrBadToken marks a push failure that is the token's fault (FCM
// UNREGISTERED, or INVALID_ARGUMENT about the token): the dispatcher disables
// that token and does not retry it. Wrap it: fmt.Errorf("...: %w", ErrBadToken).
var ErrBadToken = errors.New("push token no longer valid")

// Message is what a Notifier sends: the outbox row's facts, the rendered
// text for the recipient, and (for push) one device target.
type Message struct {
	ID        int64 // notifications.id
	DedupeKey string
	Kind      string
	Critical  bool
	Channel   string
	Recipient Recipient
	Payload   store.OutboxPayload
	Text      Text
	Target    *Target // the push token; nil for webhook and log
	CreatedAt time.Time
	Now       time.Time // the dispatcher's clock at send time
}

// Target is one push token of the recipient.
type Target struct {
	TokenID  int64
	Token    string
	Platform string // android, ios, web
}

// Recipient is the user a notification is for, with what rendering and
// quiet hours need.
type Recipient struct {
	ID                int64
	Name              string
	Locale            string
	QuietStart        string
	QuietEnd          string
	LockScreenPrivate bool
	Zone              string // the recipient's patient zone, else the clinic's
	Disabled          bool
}
