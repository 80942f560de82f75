package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/doseloop/doseloop/notify"
)

// Payload is the JSON body POSTed for each notification.
type Payload struct {
	ID             string      `json:"id"` // the dedupe key: stable across retries
	NotificationID int64       `json:"notification_id"`
	Kind           string      `json:"kind"`
	Template       string      `json:"template"`
	Critical       bool        `json:"critical"`
	RecipientID    int64       `json:"recipient_id"`
	Locale         string      `json:"locale"`
	Text           notify.Text `json:"text"`
	PatientID      int64       `json:"patient_id,omitempty"`
	DoseID         int64       `json:"dose_id,omitempty"`
	AlertID        int64       `json:"alert_id,omitempty"`
	Step           int         `json:"step,omitempty"`
	LocalTime      string      `json:"local_time,omitempty"`
	CreatedAt      time.Time   `json:"created_at"`
}

// Channel posts signed notifications to URL. It implements notify.Notifier.
type Channel struct {
	URL    string
	Secret []byte
	Client *http.Client
}

// New returns a channel with a 10-second HTTP timeout.
func New(url string, secret []byte) *Channel {
	return &Channel{URL: url, Secret: secret, Client: &http.Client{Timeout: 10 * time.Second}}
}

// Notify posts m; see the package doc for how answers are classified.
func (c *Channel) Notify(ctx context.Context, m *notify.Message) (string, bool, time.Duration, error) {
	p := m.Payload
	body, err := json.Marshal(Payload{ID: m.DedupeKey, NotificationID: m.ID, Kind: m.Kind, Template: p.Template,
		Critical: m.Critical, RecipientID: m.Recipient.ID, Locale: m.Recipient.Locale, Text: m.Text,
		PatientID: p.PatientID, DoseID: p.DoseID, AlertID: p.AlertID, Step: p.Step, LocalTime: p.LocalTime,
		CreatedAt: m.CreatedAt})
	if err != nil {
		return "", false, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return "", false, 0, fmt.Errorf("webhook: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(Header, Sign(c.Secret, m.Now.Unix(), body))
	req.Header.Set("X-DoseLoop-Delivery", m.DedupeKey)
	resp, err := c.Client.Do(req)
	if err != nil {
		return "", true, 0, fmt.Errorf("webhook: %v", err) // timeouts and refused connections retry
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch s := resp.StatusCode; {
	case s >= 200 && s < 300:
		return "webhook:" + strconv.Itoa(s) + ":" + m.DedupeKey, false, 0, nil
	case s >= 500, s == http.StatusTooManyRequests, s == http.StatusRequestTimeout:
		return "", true, retryAfter(resp), fmt.Errorf("webhook HTTP %d", s)
	default:
		return "", false, 0, fmt.Errorf("webhook HTTP %d", s)
	}
}

func retryAfter(resp *http.Response) time.Duration {
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}
