package sim

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Admin is a signed-in clinic admin, used to provision simulated devices
// through the same API a real admin uses.
type Admin struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
}

// Login signs in as a clinic admin.
func Login(ctx context.Context, baseURL, email, password string) (*Admin, error) {
	a := &Admin{BaseURL: baseURL, HTTP: http.DefaultClient}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := a.call(ctx, "POST", "/v1/auth/login", map[string]string{"email": email, "password": password}, &tok, http.StatusOK); err != nil {
		return nil, fmt.Errorf("admin login: %w", err)
	}
	a.Token = tok.AccessToken
	return a, nil
}

// Provision registers a dispenser with key's public half, assigned to
// patientID (0 for none). A serial that already exists with the same key is
// reused; with another key it is an error.
func (a *Admin) Provision(ctx context.Context, serial string, key ed25519.PrivateKey, patientID int64) error {
	pub := base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))
	req := map[string]any{"serial": serial, "public_key": pub, "model": "DoseLoop Sim"}
	if patientID != 0 {
		req["patient_id"] = patientID
	}
	err := a.call(ctx, "POST", "/v1/dispensers", req, nil, http.StatusCreated)
	if se, ok := err.(*StatusError); ok && se.Status == http.StatusConflict {
		var v struct {
			PublicKey string `json:"public_key"`
		}
		if err := a.call(ctx, "GET", "/v1/dispensers/"+serial, nil, &v, http.StatusOK); err != nil {
			return err
		}
		if v.PublicKey != pub {
			return fmt.Errorf("dispenser %s exists with another key", serial)
		}
		return nil
	}
	return err
}

func (a *Admin) call(ctx context.Context, method, path string, in, out any, want int) error {
	var body io.Reader
	if in != nil {
		raw, _ := json.Marshal(in)
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.BaseURL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if a.Token != "" {
		req.Header.Set("Authorization", "Bearer "+a.Token)
	}
	resp, err := a.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return &StatusError{Status: resp.StatusCode, Body: string(raw)}
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}
