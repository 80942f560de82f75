package mobileapi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// A missed dose's escalation is open; the patient records it taken late
// through the API: the dose is taken (once), the alert closes, and a second
// "take" is a 409 that writes nothing.
func TestTakeClosesEscalation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := setup(t, db)
		d, al := h.missedWithAlert("08:00")
		takenAt := d.ScheduledAt.Add(20 * time.Minute)
		r := h.do(rPatient, "POST", "/v1/doses/"+itoa(d.ID)+"/take", map[string]any{"taken_at": takenAt})
		h.expect(r, 200)
		if r.json["state"] != "taken" || r.json["on_time"] != true || r.json["source"] != "patient" {
			t.Fatalf("take = %s", r.Body.String())
		}
		var got store.Alert
		h.reload(&got, al.ID)
		if got.ClosedAt == nil || got.CloseReason != "dose_recorded" || got.NextAt != nil {
			t.Fatalf("alert after take = %+v", got)
		}
		r = h.do(rLinked, "POST", "/v1/doses/"+itoa(d.ID)+"/take", nil)
		h.expect(r, 409)
		if r.json["reason"] != "already_taken" {
			t.Fatalf("second take = %s", r.Body.String())
		}
		var n int64
		h.must(db.Model(&store.DoseInstance{}).Where("regimen_id = ? AND state = ?", d.RegimenID, store.DoseTaken).Count(&n).Error)
		var dose store.DoseInstance
		if h.reload(&dose, d.ID); n != 1 || !dose.TakenAt.Equal(takenAt) {
			t.Fatalf("taken doses = %d, taken_at %v", n, dose.TakenAt)
		}
		if h.audits("dose.take", "ok") != 1 || h.audits("dose.take", "refused") != 1 {
			t.Fatal("take and the refused retake are not both audited")
		}
		// Late beyond the on-time window, and a bound on back-dating.
		late := h.dose("09:00", store.DosePending)
		r = h.do(rLinked, "POST", "/v1/doses/"+itoa(late.ID)+"/take", nil)
		if h.expect(r, 200); r.json["on_time"] != false || r.json["source"] != "caregiver" {
			t.Fatalf("late take = %s", r.Body.String())
		}
		old := h.dose("10:00", store.DosePending)
		r = h.do(rPatient, "POST", "/v1/doses/"+itoa(old.ID)+"/take", map[string]any{"taken_at": h.clk.Now().Add(-25 * time.Hour)})
		h.expect(r, 400)
		h.expect(h.do(rPatient, "POST", "/v1/doses/"+itoa(old.ID)+"/take", map[string]any{"taken_at": h.clk.Now().Add(time.Hour)}), 400)
		if h.reload(&dose, old.ID); dose.State != store.DosePending {
			t.Fatal("a refused take changed the dose")
		}
	})
}

func TestSnoozeLimits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := setup(t, db)
		early := h.dose("11:30", store.DosePending)
		r := h.do(rPatient, "POST", "/v1/doses/"+itoa(early.ID)+"/snooze", map[string]any{"minutes": 15})
		if h.expect(r, 409); r.json["reason"] != "not_yet_due" {
			t.Fatalf("snoozing a dose not yet due = %s", r.Body.String())
		}
		d := h.dose("10:30", store.DosePending)
		path := "/v1/doses/" + itoa(d.ID) + "/snooze"
		for _, m := range []int{4, 61, 0} {
			h.expect(h.do(rPatient, "POST", path, map[string]any{"minutes": m}), 400)
		}
		for i := 1; i <= 3; i++ {
			r := h.do(rPatient, "POST", path, map[string]any{"minutes": 15})
			h.expect(r, 200)
			want := h.clk.Now().Add(15 * time.Minute).Format(time.RFC3339)
			if r.json["snooze_count"] != float64(i) || r.json["snoozed_until"] != want {
				t.Fatalf("snooze %d = %s (want until %s)", i, r.Body.String(), want)
			}
			h.clk.Advance(15 * time.Minute)
			h.login(rPatient) // access tokens live 15 minutes
		}
		r = h.do(rPatient, "POST", path, map[string]any{"minutes": 5})
		if h.expect(r, 409); r.json["reason"] != "snooze_limit" {
			t.Fatalf("4th snooze = %s", r.Body.String())
		}
		var got store.DoseInstance
		if h.reload(&got, d.ID); got.SnoozeCount != 3 {
			t.Fatalf("snooze_count = %d", got.SnoozeCount)
		}
		taken := h.dose("08:00", store.DoseTaken)
		h.expect(h.do(rPatient, "POST", "/v1/doses/"+itoa(taken.ID)+"/snooze", map[string]any{"minutes": 5}), 409)
	})
}

// The PRN regimen allows 2 doses a day: a third is refused with the time
// the next is allowed, the refusal is in the audit log, and at that time
// a dose is accepted.
func TestPRNLimit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := setup(t, db)
		now := h.clk.Now()
		first := now.Add(-5 * time.Hour)
		h.expect(h.do(rPatient, "POST", "/v1/me/prn", map[string]any{"regimen_id": h.prn.ID, "taken_at": first}), 201)
		r := h.do(rPatient, "POST", "/v1/me/prn", map[string]any{"regimen_id": h.prn.ID})
		if h.expect(r, 201); r.json["as_needed"] != true || r.json["state"] != "taken" || r.json["local_time"] != "11:00" {
			t.Fatalf("PRN dose = %s", r.Body.String())
		}
		r = h.do(rPatient, "POST", "/v1/me/prn", map[string]any{"regimen_id": h.prn.ID})
		h.expect(r, 409)
		next := first.Add(24 * time.Hour).Format(time.RFC3339)
		if r.json["reason"] != "prn_limit" || r.json["next_allowed_at"] != next {
			t.Fatalf("refusal = %s, want next_allowed_at %s", r.Body.String(), next)
		}
		if h.audits("dose.prn", "refused") != 1 {
			t.Fatal("the refused PRN attempt is not in the audit log")
		}
		today := h.do(rPatient, "GET", "/v1/me/today", nil)
		if prn := today.json["as_needed"].([]any)[0].(map[string]any); prn["next_allowed_at"] != next {
			t.Fatalf("today's as_needed = %v", prn)
		}
		h.clk.Set(first.Add(24 * time.Hour))
		h.login(rPatient)
		h.expect(h.do(rPatient, "POST", "/v1/me/prn", map[string]any{"regimen_id": h.prn.ID}), 201)
		h.expect(h.do(rPatient, "POST", "/v1/me/prn", map[string]any{"regimen_id": h.A.Regimen.ID}), 404) // not as-needed
	})
}

// Invitation accept and revoke take effect on the caregiver's next request.
func TestInvitationAcceptAndRevoke(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := setup(t, db)
		today := "/v1/caregiver/patients/" + itoa(h.A.Patient.ID) + "/today"
		r := h.do(rPatient, "POST", "/v1/me/links", map[string]any{"email": "A-UNLINKED@example.test"})
		h.expect(r, 201)
		if r.json["state"] != "pending" || r.json["caregiver"] != nil {
			t.Fatalf("invite = %s", r.Body.String())
		}
		link := int64(r.json["id"].(float64))
		h.expect(h.do(rPatient, "POST", "/v1/me/links", map[string]any{"email": "a-unlinked@example.test"}), 409)
		h.expect(h.do(rUnlinked, "GET", today, nil), 404)
		inv := h.do(rUnlinked, "GET", "/v1/caregiver/invitations", nil)
		if items := inv.json["items"].([]any); len(items) != 1 || items[0].(map[string]any)["patient"].(map[string]any)["name"] != secret {
			t.Fatalf("invitations = %s", inv.Body.String())
		}
		h.expect(h.do(rUnlinked, "POST", "/v1/invitations/"+itoa(link)+"/accept", nil), 204)
		h.expect(h.do(rUnlinked, "GET", today, nil), 200)
		h.expect(h.do(rUnlinked, "POST", "/v1/invitations/"+itoa(link)+"/accept", nil), 404)
		links := h.do(rPatient, "GET", "/v1/me/links", nil)
		if items := links.json["items"].([]any); len(items) != 2 || items[1].(map[string]any)["caregiver"].(map[string]any)["email"] != "a-unlinked@example.test" {
			t.Fatalf("links = %s", links.Body.String())
		}
		h.expect(h.do(rPatient, "DELETE", "/v1/links/"+itoa(link), nil), 204)
		h.expect(h.do(rUnlinked, "GET", today, nil), 404)
		h.expect(h.do(rPatient, "DELETE", "/v1/links/"+itoa(link), nil), 404)

		// An email without an account: the invitation waits for it.
		r = h.do(rPatient, "POST", "/v1/me/links", map[string]any{"email": "newcomer@example.test"})
		h.expect(r, 201)
		h.users["newcomer"] = h.user(h.A.Clinic.ID, store.RoleCaregiver, "newcomer@example.test")
		h.login("newcomer")
		inv = h.do("newcomer", "GET", "/v1/caregiver/invitations", nil)
		if len(inv.json["items"].([]any)) != 1 {
			t.Fatalf("newcomer's invitations = %s", inv.Body.String())
		}
		h.expect(h.do("newcomer", "POST", "/v1/invitations/"+itoa(int64(r.json["id"].(float64)))+"/decline", nil), 204)
		h.expect(h.do("newcomer", "GET", today, nil), 404)
		// A caregiver of another clinic with the invited email cannot take it.
		r = h.do(rPatient, "POST", "/v1/me/links", map[string]any{"email": h.B.Caregiver.Email})
		h.tokens["b-caregiver"] = ""
		h.users["b-caregiver"] = h.B.Caregiver
		h.login("b-caregiver")
		h.expect(h.do("b-caregiver", "POST", "/v1/invitations/"+itoa(int64(r.json["id"].(float64)))+"/accept", nil), 404)
		// The linked caregiver leaves; access ends.
		h.expect(h.do(rLinked, "DELETE", "/v1/links/"+itoa(h.A.Link.ID), nil), 204)
		h.expect(h.do(rLinked, "GET", today, nil), 404)
	})
}

// A caregiver acknowledges an alert from the inbox: it closes with who
// acknowledged it, and the inbox shows what was delivered.
func TestAlertInboxAndAck(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := setup(t, db)
		_, older := h.missedWithAlert("08:00")
		h.clk.Advance(time.Minute)
		_, al := h.missedWithAlert("09:00")
		sent := h.clk.Now()
		h.must(db.Create(&store.Notification{DedupeKey: "k1", RecipientID: h.A.Caregiver.ID, Channel: "push", Kind: "escalation",
			AlertID: &al.ID, Payload: "{}", State: store.NotifySent, Attempts: 1, NotBefore: sent, CreatedAt: sent, SentAt: &sent}).Error)
		r := h.do(rLinked, "GET", "/v1/caregiver/alerts?limit=1", nil)
		h.expect(r, 200)
		items := r.json["items"].([]any)
		a0 := items[0].(map[string]any)
		if int64(a0["id"].(float64)) != al.ID || a0["deliveries"].([]any)[0].(map[string]any)["state"] != "sent" {
			t.Fatalf("inbox page 1 = %s", r.Body.String())
		}
		r = h.do(rLinked, "GET", "/v1/caregiver/alerts?limit=1&cursor="+r.json["next_cursor"].(string), nil)
		if h.expect(r, 200); int64(r.json["items"].([]any)[0].(map[string]any)["id"].(float64)) != older.ID {
			t.Fatalf("inbox page 2 = %s", r.Body.String())
		}
		r = h.do(rLinked, "POST", "/v1/alerts/"+itoa(al.ID)+"/ack", nil)
		h.expect(r, 200)
		if r.json["close_reason"] != "acknowledged" || int64(r.json["acknowledged_by"].(float64)) != h.A.Caregiver.ID {
			t.Fatalf("ack = %s", r.Body.String())
		}
		var got store.Alert
		if h.reload(&got, al.ID); got.ClosedAt == nil || got.NextAt != nil {
			t.Fatalf("alert after ack = %+v", got)
		}
		h.expect(h.do(rLinked, "POST", "/v1/alerts/"+itoa(al.ID)+"/ack", nil), 409)
		open := h.do(rLinked, "GET", "/v1/caregiver/alerts?state=open", nil)
		if items := open.json["items"].([]any); len(items) != 1 {
			t.Fatalf("open alerts = %s", open.Body.String())
		}
		glance := h.do(rLinked, "GET", "/v1/caregiver/patients", nil)
		g := glance.json["items"].([]any)[0].(map[string]any)
		if g["open_alerts"] != float64(1) || len(g["doses"].([]any)) != 2 {
			t.Fatalf("glance = %s", glance.Body.String())
		}
		until := h.clk.Now().Add(8 * time.Hour)
		r = h.do(rLinked, "PUT", "/v1/caregiver/patients/"+itoa(h.A.Patient.ID)+"/mute", map[string]any{"until": until})
		h.expect(r, 200)
		var l store.CareLink
		if h.reload(&l, h.A.Link.ID); l.MutedUntil == nil || !l.MutedUntil.Equal(until) {
			t.Fatalf("muted_until = %v", l.MutedUntil)
		}
		h.expect(h.do(rLinked, "PUT", "/v1/caregiver/patients/"+itoa(h.A.Patient.ID)+"/mute", map[string]any{"until": h.clk.Now().Add(40 * 24 * time.Hour)}), 400)
		h.expect(h.do(rLinked, "PUT", "/v1/caregiver/patients/"+itoa(h.A.Patient.ID)+"/mute", map[string]any{"until": nil}), 200)
		if h.reload(&l, h.A.Link.ID); l.MutedUntil != nil {
			t.Fatal("unmute left muted_until set")
		}
	})
}

// A patient cannot take a 20:00 dose at 11:00, nor record one more than
// 24 h after it was due: 409 with the reason and the window. A taken_at
// that does not parse is a field error. Nothing changes.
func TestRecordingWindowRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		h := setup(t, db)
		evening := h.dose("20:00", store.DosePending)
		r := h.do(rPatient, "POST", "/v1/doses/"+itoa(evening.ID)+"/take", nil)
		if h.expect(r, 409); r.json["reason"] != "too_early" || r.json["window_start"] == nil || r.json["window_end"] == nil {
			t.Fatalf("early take = %s", r.Body.String())
		}
		r = h.do(rPatient, "POST", "/v1/doses/"+itoa(evening.ID)+"/take", map[string]any{"taken_at": "2026-13-45T99:00:00Z"})
		if h.expect(r, 400); !strings.Contains(r.Body.String(), `"field":"taken_at"`) {
			t.Fatalf("bad taken_at = %s", r.Body.String())
		}
		old := h.dose("09:00", store.DoseMissed)
		h.clk.Advance(25 * time.Hour)
		h.login(rLinked)
		r = h.do(rLinked, "POST", "/v1/doses/"+itoa(old.ID)+"/take", nil)
		if h.expect(r, 409); r.json["reason"] != "too_late" || r.json["window_end"] == nil {
			t.Fatalf("late take = %s", r.Body.String())
		}
		r = h.do(rLinked, "POST", "/v1/doses/"+itoa(old.ID)+"/skip", map[string]any{"reason": "forgot"})
		if h.expect(r, 409); r.json["reason"] != "too_late" {
			t.Fatalf("late skip = %s", r.Body.String())
		}
		var got store.DoseInstance
		if h.reload(&got, old.ID); got.State != store.DoseMissed {
			t.Fatalf("refused take changed the dose: %+v", got)
		}
		if h.reload(&got, evening.ID); got.State != store.DosePending {
			t.Fatalf("refused take changed the dose: %+v", got)
		}
	})
}
