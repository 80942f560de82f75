package fcm_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/notify/fcm"
	"github.com/doseloop/doseloop/notify/fcmfake"
	"github.com/doseloop/doseloop/store"
	"golang.org/x/oauth2"
	"google.golang.org/api/option"
)

var now = time.Date(2026, 6, 10, 14, 0, 0, 0, time.UTC)

func channel(t *testing.T) (*fcm.Channel, *fcmfake.Server) {
	t.Helper()
	fake := fcmfake.New("p1")
	url := fake.Start()
	t.Cleanup(fake.Close)
	ch, err := fcm.New(context.Background(), fcm.Config{ProjectID: "p1", Options: []option.ClientOption{
		option.WithEndpoint(url + "/v1"), option.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"}))}})
	if err != nil {
		t.Fatal(err)
	}
	return ch, fake
}

func msg(token string) *notify.Message {
	return &notify.Message{ID: 5, Kind: "reminder", Now: now, Target: &notify.Target{TokenID: 1, Token: token},
		Payload: store.OutboxPayload{Template: "dose_reminder", DoseID: 9}, Text: notify.Text{Title: "t", Body: "b"}}
}

// Each FCM error code, answered on the wire, is classified from the SDK's
// own error value: retry, bad token or dead.
func TestClassifyThroughTheSDK(t *testing.T) {
	t.Parallel()
	ch, fake := channel(t)
	cases := []struct {
		resp      fcmfake.Response
		retryable bool
		after     time.Duration
		badToken  bool
	}{
		{fcmfake.Fail("UNREGISTERED"), false, 0, true},
		{fcmfake.Fail("INVALID_ARGUMENT").WithMsg("The registration token is not a valid FCM registration token"), false, 0, true},
		{fcmfake.Fail("INVALID_ARGUMENT").WithMsg("Invalid value at 'message.android.ttl'"), false, 0, false},
		{fcmfake.Fail("SENDER_ID_MISMATCH"), false, 0, false},
		{fcmfake.Fail("THIRD_PARTY_AUTH_ERROR"), false, 0, false},
		{fcmfake.Fail("QUOTA_EXCEEDED").After("90"), true, 90 * time.Second, false},
		{fcmfake.Fail("INTERNAL"), true, 0, false},
	}
	for i, c := range cases {
		tok := fmt.Sprintf("tok-%d", i)
		fake.Script(tok, c.resp)
		_, retryable, after, err := ch.Notify(context.Background(), msg(tok))
		if err == nil || retryable != c.retryable || after != c.after || errors.Is(err, notify.ErrBadToken) != c.badToken {
			t.Errorf("%s: retryable=%v after=%v err=%v", c.resp.ErrorCode, retryable, after, err)
		}
	}
}

// Retry-After may be an HTTP date. The SDK compares it with the system
// clock (it retries itself when the date is under 2 minutes away), so this
// case uses the real time.
func TestRetryAfterHTTPDate(t *testing.T) {
	t.Parallel()
	ch, fake := channel(t)
	real := time.Now().UTC().Truncate(time.Second)
	fake.Script("tok-date", fcmfake.Fail("UNAVAILABLE").After(real.Add(10*time.Minute).Format(http.TimeFormat)))
	m := msg("tok-date")
	m.Now = real
	_, retryable, after, err := ch.Notify(context.Background(), m)
	if !retryable || after != 10*time.Minute || err == nil {
		t.Fatalf("retryable=%v after=%v err=%v", retryable, after, err)
	}
}

func TestCanceledSendRetries(t *testing.T) {
	t.Parallel()
	ch, _ := channel(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, retryable, _, err := ch.Notify(ctx, msg("tok-x")); err == nil || !retryable {
		t.Fatalf("canceled send: retryable=%v err=%v", retryable, err)
	}
}

func TestCollapseKey(t *testing.T) {
	t.Parallel()
	cases := []struct {
		p    store.OutboxPayload
		want string
	}{
		{store.OutboxPayload{DoseID: 3, AlertID: 4}, "dose-3"},
		{store.OutboxPayload{AlertID: 4}, "alert-4"},
		{store.OutboxPayload{Serial: "DL-1"}, "device-DL-1"},
		{store.OutboxPayload{}, "n-5"},
	}
	for _, c := range cases {
		m := msg("t")
		m.Payload = c.p
		if got := fcm.CollapseKey(m); got != c.want {
			t.Errorf("CollapseKey(%+v) = %q, want %q", c.p, got, c.want)
		}
	}
}
