package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/doseloop/doseloop/dispenser/sim"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/seed"
	"github.com/pquerna/otp/totp"
)

// TestOpenAPIContract calls every documented operation of a seeded demo
// clinic with a valid request and validates each response (status, content
// type, body) against openapi.json.
func TestOpenAPIContract(t *testing.T) {
	t.Parallel()
	c := newContract(t)
	defer c.finish()
	c.ops()
	adm := c.login("alex.admin@demo.doseloop.local", seed.DemoPassword)
	w := c.ok("GET", "/v1/admin/users?role=physician", nil, adm...)
	doc := first(decode(t, w)["items"])
	docH := c.login(doc["email"].(string), seed.DemoPassword)
	w = c.ok("GET", "/v1/admin/users?role=patient", nil, adm...)
	ptUser := first(decode(t, w)["items"])
	ptH := c.login(ptUser["email"].(string), seed.DemoPassword)
	w = c.ok("GET", "/v1/admin/users?role=caregiver", nil, adm...)
	cgEmail := first(decode(t, w)["items"])["email"].(string)
	cgH := c.login(cgEmail, seed.DemoPassword)
	pid, otp := c.admin(adm, num(doc["id"]))
	c.physician(docH, pid)
	// The new patient's doses fall due 5 and 10 minutes after "now": let
	// them, then sign in again (access tokens are short-lived).
	c.b.clock.Advance(15 * time.Minute)
	adm, docH = c.login("alex.admin@demo.doseloop.local", seed.DemoPassword), c.login(doc["email"].(string), seed.DemoPassword)
	ptH = c.login(ptUser["email"].(string), seed.DemoPassword)
	cgH = c.login(cgEmail, seed.DemoPassword)
	newH := c.login("contract.patient@example.test", otp)
	c.ok("POST", "/v1/me/password", map[string]any{"current_password": otp, "new_password": "violet kettle harbour 2028"}, newH...)
	c.patient(c.login("contract.patient@example.test", "violet kettle harbour 2028"))
	c.correct(docH, pid)
	c.caregiver(cgH, ptH)
	c.dispensers(adm, docH, pid)
	c.session(ptUser["email"].(string))
	c.ackAlert("contract.cg@example.test", "violet kettle harbour 2026")
}

// ackAlert lets the new patient's next doses go missed (the sweep opens an
// alert for each) and acknowledges one as the caregiver the admin linked.
func (c *contract) ackAlert(email, password string) {
	c.b.clock.Advance(26 * time.Hour)
	if _, err := schedule.New(c.b.app.db, c.b.clock).SweepMissed(context.Background(), c.b.clock.Now()); err != nil {
		c.t.Fatal(err)
	}
	h := c.login(email, password)
	w := c.ok("GET", "/v1/caregiver/alerts", nil, h...)
	for _, a := range decode(c.t, w)["items"].([]any) {
		if m := a.(map[string]any); m["closed_at"] == nil && m["acknowledged_at"] == nil {
			c.ok("POST", "/v1/alerts/"+itoa(num(m["id"]))+"/ack", nil, h...)
			return
		}
	}
	c.t.Error("the sweep opened no alert for the caregiver's patients")
}

// ok sends a request that must succeed (status below 400).
func (c *contract) ok(method, path string, body any, hdr ...string) *httptest.ResponseRecorder {
	c.t.Helper()
	w := c.b.do(method, path, body, hdr...)
	if w.Code >= 400 {
		c.t.Errorf("%s %s = %d %s", method, path, w.Code, trimBody(w.Body.Bytes()))
	}
	return w
}

func (c *contract) login(email, password string) []string {
	c.t.Helper()
	w := c.ok("POST", "/v1/auth/login", map[string]string{"email": email, "password": password})
	return []string{"Authorization", "Bearer " + fmt.Sprint(decode(c.t, w)["access_token"])}
}

func first(v any) map[string]any {
	if l, ok := v.([]any); ok && len(l) > 0 {
		m, _ := l[0].(map[string]any)
		return m
	}
	return map[string]any{}
}

func num(v any) int64 { f, _ := v.(float64); return int64(f) }

func (c *contract) ops() {
	for _, p := range []string{"/healthz", "/readyz", "/version", "/metrics", "/openapi.json"} {
		c.ok("GET", p, nil)
	}
	c.ok("HEAD", "/healthz", nil)
	c.ok("HEAD", "/readyz", nil)
}

// admin exercises the admin API and returns the new patient's id, whose care
// team is docID.
func (c *contract) admin(h []string, docID int64) (int64, string) {
	t := c.t
	c.ok("GET", "/v1/admin/patients", nil, h...)
	c.ok("GET", "/v1/admin/medications", nil, h...)
	c.ok("POST", "/v1/admin/medications", map[string]any{"name": "Contractol", "strength": "1 mg", "form": "tablet"}, h...)
	c.ok("GET", "/v1/admin/audit?limit=5", nil, h...)
	c.ok("GET", "/v1/admin/break-glass", nil, h...)
	c.ok("GET", "/v1/admin/clinic/security", nil, h...)
	c.ok("PUT", "/v1/admin/clinic/security", map[string]any{"require_mfa": false}, h...)
	w := c.ok("POST", "/v1/admin/patients", map[string]any{"name": "Contract Patient", "time_zone": "Europe/Madrid",
		"email": "contract.patient@example.test", "locale": "es"}, h...)
	pid, otp := num(decode(t, w)["patient"].(map[string]any)["id"]), fmt.Sprint(decode(t, w)["one_time_password"])
	c.ok("PUT", "/v1/admin/patients/"+itoa(pid)+"/care-team", map[string]any{"physician_ids": []int64{docID}}, h...)
	w = c.ok("POST", "/v1/admin/users", map[string]any{"email": "contract.cg@example.test", "name": "Contract Caregiver", "role": "caregiver"}, h...)
	cg := itoa(num(decode(t, w)["id"]))
	c.ok("POST", "/v1/admin/patients/"+itoa(pid)+"/caregivers", map[string]any{"caregiver_id": num(decode(t, w)["id"]),
		"escalation_order": 1, "consent_recorded": true}, h...)
	c.ok("POST", "/v1/admin/users/"+cg+"/unlock", nil, h...)
	c.ok("POST", "/v1/admin/users/"+cg+"/end-sessions", nil, h...)
	w = c.ok("POST", "/v1/admin/users/"+cg+"/reset-code", nil, h...)
	c.ok("POST", "/v1/auth/reset", map[string]any{"email": "contract.cg@example.test", "code": decode(t, w)["code"],
		"new_password": "violet kettle harbour 2026"})
	w = c.ok("POST", "/v1/admin/users", map[string]any{"email": "contract.gone@example.test", "name": "Gone User", "role": "caregiver"}, h...)
	c.ok("POST", "/v1/admin/users/"+itoa(num(decode(t, w)["id"]))+"/disable", nil, h...)
	return pid, otp
}

// physician exercises reports, regimens, dose corrections, absences and
// break-glass on the new patient pid (on doc's care team).
func (c *contract) physician(h []string, pid int64) {
	t, p := c.t, "/v1/patients/"+itoa(pid)
	c.ok("GET", "/v1/adherence", nil, h...)
	c.ok("GET", "/v1/clinic/adherence.csv", nil, h...)
	// The formulary is the admin's to list: take the demo's first medication.
	w := c.ok("GET", "/v1/admin/medications", nil, c.login("alex.admin@demo.doseloop.local", seed.DemoPassword)...)
	med := num(first(decode(t, w)["items"])["id"])
	madrid, _ := time.LoadLocation("Europe/Madrid")
	soon := func(m int) string {
		return c.b.clock.Now().In(madrid).Add(time.Duration(m) * time.Minute).Format("15:04")
	}
	w = c.ok("POST", p+"/regimens", map[string]any{"medication_id": med, "dose_quantity": 1, "dose_unit": "tablet",
		"timing": map[string]any{"timeOfDay": []string{soon(5), soon(10)}}}, h...)
	rid := itoa(num(decode(t, w)["id"]))
	c.ok("PATCH", p+"/regimens/"+rid, map[string]any{"grace_min": 90}, h...)
	c.ok("POST", p+"/regimens", map[string]any{"medication_id": med, "as_needed": true,
		"timing": map[string]any{"maxDosePerPeriod": map[string]any{"count": 4, "period": 1, "periodUnit": "d"}}}, h...)
	c.ok("GET", p+"/regimens", nil, h...)
	c.ok("GET", p+"/adherence?period=7d", nil, h...)
	c.ok("GET", p+"/doses.csv", nil, h...)
	c.ok("GET", p+"/fhir", nil, h...)
	c.ok("POST", p+"/absences", map[string]any{"kind": "away", "starts_at": c.b.clock.Now().Add(24 * time.Hour).Format(time.RFC3339),
		"ends_at": c.b.clock.Now().Add(72 * time.Hour).Format(time.RFC3339), "reason": "family visit"}, h...)
	c.ok("GET", p+"/absences", nil, h...)
	w = c.ok("POST", p+"/regimens", map[string]any{"medication_id": med, "timing": map[string]any{"timeOfDay": []string{"12:00"}}}, h...)
	c.ok("POST", p+"/regimens/"+itoa(num(decode(t, w)["id"]))+"/stop", nil, h...)
	c.breakGlass(h)
}

// correct corrects a past dose of pid and reads its history.
func (c *contract) correct(h []string, pid int64) {
	var did int64
	err := c.b.app.db.Raw("SELECT id FROM dose_instances WHERE patient_id = ? AND scheduled_at < ? AND state IN ('taken', 'skipped') ORDER BY id LIMIT 1",
		pid, c.b.clock.Now()).Scan(&did).Error
	if err != nil || did == 0 {
		c.t.Errorf("no past dose to correct: %v", err)
		return
	}
	p := "/v1/patients/" + itoa(pid) + "/doses/" + itoa(did)
	c.ok("POST", p+"/correct", map[string]any{"state": "missed", "reason": "the dispenser log shows the dose was never removed"}, h...)
	c.ok("GET", p+"/history", nil, h...)
}

// breakGlass opens and ends emergency access to a demo patient outside the
// physician's care team.
func (c *contract) breakGlass(h []string) {
	var ids []int64
	c.b.app.db.Raw("SELECT id FROM patients ORDER BY id").Scan(&ids)
	for _, id := range ids {
		w := c.b.do("POST", "/v1/patients/"+itoa(id)+"/break-glass", map[string]any{"reason": "patient unconscious in the emergency room"}, h...)
		if w.Code == 201 {
			c.ok("POST", "/v1/break-glass/"+itoa(num(decode(c.t, w)["id"]))+"/end", nil, h...)
			return
		}
	}
	c.t.Error("no patient accepted a break-glass request")
}

func newKey() (ed25519.PrivateKey, string) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	return priv, base64.StdEncoding.EncodeToString(pub)
}

// dispensers provisions a dispenser for pid, rotates its key, and lets a
// simulated device (protocol v2 signatures) call the device API.
func (c *contract) dispensers(h, docH []string, pid int64) {
	t := c.t
	k1, pub1 := newKey()
	k2, pub2 := newKey()
	_, pub3 := newKey()
	c.ok("POST", "/v1/dispensers", map[string]any{"serial": "CT-0001", "public_key": pub1, "model": "Contract 4"}, h...)
	c.ok("GET", "/v1/dispensers", nil, h...)
	c.ok("PUT", "/v1/dispensers/CT-0001/patient", map[string]any{"patient_id": pid}, h...)
	w := c.ok("GET", "/v1/patients/"+itoa(pid)+"/regimens", nil, docH...)
	var rid int64
	for _, r := range decode(t, w)["items"].([]any) {
		if m := r.(map[string]any); m["as_needed"] == false && m["stopped_at"] == nil {
			rid = num(m["id"])
		}
	}
	c.ok("PUT", "/v1/dispensers/CT-0001/compartments", map[string]any{"compartments": []map[string]any{{"compartment": 1, "regimen_id": rid}}}, h...)
	c.ok("GET", "/v1/dispensers/CT-0001", nil, h...)
	c.ok("PUT", "/v1/dispensers/CT-0001/next-key", map[string]any{"public_key": pub3}, h...)
	c.ok("DELETE", "/v1/dispensers/CT-0001/next-key", nil, h...)
	srv := httptest.NewServer(c.b.h)
	defer srv.Close()
	d := &sim.Device{Serial: "CT-0001", Key: k1, BaseURL: srv.URL, Now: c.b.clock.Now}
	c.device(d)
	c.ok("PUT", "/v1/dispensers/CT-0001/next-key", map[string]any{"public_key": pub2}, h...)
	c.ok("POST", "/v1/dispensers/CT-0001/rotate", nil, h...)
	d.Key = k2
	c.device(d)
	c.ok("POST", "/v1/dispensers/CT-0001/revoke", nil, h...)
}

func (c *contract) device(d *sim.Device) {
	ctx := context.Background()
	if err := d.Heartbeat(ctx, 80, "2.3.1", -60); err != nil {
		c.t.Errorf("heartbeat: %v", err)
	}
	if _, _, err := d.Schedule(ctx, ""); err != nil {
		c.t.Errorf("schedule: %v", err)
	}
	c.b.clock.Advance(time.Second) // heartbeats must be newer than the last
	if _, err := d.PostEvents(ctx, []sim.Event{d.NewEvent("dose_taken", c.b.clock.Now().Add(-time.Minute), 1)}); err != nil {
		c.t.Errorf("events: %v", err)
	}
}

// patient exercises the patient's own API as the new patient.
func (c *contract) patient(h []string) {
	t := c.t
	for _, p := range []string{"/v1/me", "/v1/me/doses", "/v1/me/adherence", "/v1/me/preferences", "/v1/me/dispenser", "/v1/me/links", "/v1/me/absences"} {
		c.ok("GET", p, nil, h...)
	}
	c.ok("PATCH", "/v1/me/preferences", map[string]any{"lock_screen_private": true}, h...)
	c.ok("POST", "/v1/me/push-tokens", map[string]any{"platform": "android", "token": "contract-token-1"}, h...)
	c.ok("DELETE", "/v1/me/push-tokens/contract-token-1", nil, h...)
	c.ok("POST", "/v1/me/absences", map[string]any{"kind": "away", "starts_at": c.b.clock.Now().Add(240 * time.Hour).Format(time.RFC3339),
		"ends_at": c.b.clock.Now().Add(260 * time.Hour).Format(time.RFC3339), "reason": "trip"}, h...)
	w := c.ok("GET", "/v1/me/today", nil, h...)
	today := decode(t, w)
	if prn := first(today["as_needed"]); prn["regimen_id"] != nil {
		c.ok("POST", "/v1/me/prn", map[string]any{"regimen_id": num(prn["regimen_id"])}, h...)
	}
	c.doseActions(h, today)
	w = c.ok("POST", "/v1/me/mfa/totp/setup", nil, h...)
	code, _ := totp.GenerateCode(fmt.Sprint(decode(t, w)["secret"]), c.b.clock.Now())
	w = c.ok("POST", "/v1/me/mfa/totp/enable", map[string]any{"code": code}, h...)
	if rc, _ := decode(t, w)["recovery_codes"].([]any); len(rc) > 0 {
		c.ok("POST", "/v1/me/mfa/totp/disable", map[string]any{"code": rc[0]}, h...)
	}
}

// doseActions takes, skips and snoozes the day's pending doses, trying each
// action on every dose until one accepts it.
func (c *contract) doseActions(h []string, today map[string]any) {
	items, _ := today["items"].([]any)
	acts := []struct {
		verb string
		body map[string]any
	}{{"snooze", map[string]any{"minutes": 10}}, {"take", map[string]any{}}, {"skip", map[string]any{"reason": "nausea"}}}
	for _, a := range acts {
		for _, it := range items {
			id := itoa(num(it.(map[string]any)["id"]))
			if c.b.do("POST", "/v1/doses/"+id+"/"+a.verb, a.body, h...).Code < 300 {
				break
			}
		}
	}
}

// caregiver exercises the caregiver API, invited by the patient.
func (c *contract) caregiver(h, ptH []string) {
	t := c.t
	invited := c.login("contract.cg@example.test", "violet kettle harbour 2026")
	for _, verb := range []string{"decline", "accept"} {
		c.ok("POST", "/v1/me/links", map[string]any{"email": "contract.cg@example.test"}, ptH...)
		w := c.ok("GET", "/v1/caregiver/invitations", nil, invited...)
		c.ok("POST", "/v1/invitations/"+itoa(num(first(decode(t, w)["items"])["id"]))+"/"+verb, nil, invited...)
	}
	w := c.ok("GET", "/v1/caregiver/patients", nil, h...)
	pid := itoa(num(first(decode(t, w)["items"])["patient"].(map[string]any)["id"]))
	c.ok("GET", "/v1/caregiver/patients/"+pid+"/today", nil, h...)
	c.ok("PUT", "/v1/caregiver/patients/"+pid+"/mute", map[string]any{"until": nil}, h...)
	w = c.ok("GET", "/v1/me/links", nil, ptH...)
	for _, l := range decode(t, w)["items"].([]any) {
		if m := l.(map[string]any); m["state"] == "active" {
			c.ok("DELETE", "/v1/links/"+itoa(num(m["id"])), nil, ptH...)
			break
		}
	}
}

// session refreshes, changes a password and signs out.
func (c *contract) session(email string) {
	t := c.t
	w := c.ok("POST", "/v1/auth/login", map[string]string{"email": email, "password": seed.DemoPassword})
	tok := decode(t, w)
	w = c.ok("POST", "/v1/auth/refresh", map[string]any{"refresh_token": tok["refresh_token"]})
	h := []string{"Authorization", "Bearer " + fmt.Sprint(decode(t, w)["access_token"])}
	c.ok("POST", "/v1/me/password", map[string]any{"current_password": seed.DemoPassword, "new_password": "violet kettle harbour 2027"}, h...)
	h = c.login(email, "violet kettle harbour 2027")
	c.ok("POST", "/v1/auth/logout", nil, h...)
	h = c.login(email, "violet kettle harbour 2027")
	c.ok("POST", "/v1/auth/logout-all", nil, h...)
}
