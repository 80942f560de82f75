package dispenser_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/dispenser"
	"github.com/doseloop/doseloop/store"
)

func TestBatchMixedGoodBadDuplicate(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		due := b.dose(t0.Add(-time.Hour), store.DosePending)
		a := b.post(
			take(uid(1), t0.Add(-50*time.Minute)),
			map[string]any{"id": uid(2), "type": "teleport", "occurred_at": t0.Format(time.RFC3339)},
			map[string]any{"id": uid(3), "type": "battery_low", "occurred_at": t0.Add(10 * time.Minute).Format(time.RFC3339)},
			map[string]any{"id": "not-a-uuid", "type": "battery_low", "occurred_at": t0.Format(time.RFC3339)},
			map[string]any{"id": uid(4), "type": "dose_taken", "occurred_at": t0.Format(time.RFC3339)},
			map[string]any{"id": uid(5), "type": "refill_low", "occurred_at": t0.Format(time.RFC3339), "compartment": 1, "details": map[string]any{"left": 2}},
			take(uid(1), t0.Add(-50*time.Minute)),
			map[string]any{"id": uid(6), "type": "tamper", "occurred_at": t0.Format(time.RFC3339), "quantity": "lots"},
		)
		want := []struct{ status, reason string }{
			{"accepted", ""}, {"rejected", "unknown_type"}, {"rejected", "in_future"}, {"rejected", "bad_id"},
			{"rejected", "missing_compartment"}, {"accepted", ""}, {"duplicate", ""}, {"rejected", "malformed_event"},
		}
		for i, w := range want {
			if r := a.Results[i]; r.Index != i || r.Status != w.status || r.Reason != w.reason {
				t.Errorf("event %d: %+v, want %s %s", i, r, w.status, w.reason)
			}
		}
		if a.Accepted != 2 || a.Duplicates != 1 || a.Rejected != 5 || b.countEvents() != 2 {
			t.Fatalf("counts %d/%d/%d, stored %d", a.Accepted, a.Duplicates, a.Rejected, b.countEvents())
		}
		if a.Results[0].DoseID == nil || *a.Results[0].DoseID != due.ID {
			t.Fatalf("the take was not matched to the due dose: %+v", a.Results[0])
		}
		d := b.reload(due.ID)
		if d.State != store.DoseTaken || d.OnTime == nil || !*d.OnTime || d.Source != "dispenser" || !d.DispenserReported {
			t.Fatalf("dose after take: %+v", d)
		}
		var ev store.DoseEvent
		b.db.Where("device_event_id = ?", uid(5)).Take(&ev)
		if ev.Details != `{"left":2}` {
			t.Fatalf("details stored as %q", ev.Details)
		}
	})
}

func TestRetryIsIdempotent(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		due := b.dose(t0.Add(-2*time.Hour), store.DosePending)
		batch := []map[string]any{take(uid(10), t0.Add(-time.Hour)), take(uid(11), t0.Add(-30*time.Minute)),
			{"id": uid(12), "type": "compartment_opened", "occurred_at": t0.Format(time.RFC3339), "compartment": 1, "seq": 7}}
		first := b.post(batch...)
		before := b.reload(due.ID)
		b.clk.Advance(time.Minute)
		again := b.post(batch...)
		if first.Accepted != 3 || again.Duplicates != 3 || again.Accepted != 0 {
			t.Fatalf("first %+v, retry %+v", first, again)
		}
		after := b.reload(due.ID)
		if !after.UpdatedAt.Equal(before.UpdatedAt) || !after.TakenAt.Equal(*before.TakenAt) || b.countEvents() != 3 {
			t.Fatalf("the retry changed something: before %+v after %+v, %d events", before, after, b.countEvents())
		}
		var d store.Dispenser
		b.db.Take(&d, b.disp.ID)
		if d.LastSeq != 7 {
			t.Fatalf("last_seq = %d, want 7", d.LastSeq)
		}
	})
}

func TestOfflineBacklogMatchesHistoricalDoses(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		// Three days of 12:00/24:00 doses; the device was offline two days.
		// The earlier doses were marked missed by the sweep and escalated.
		var doses []store.DoseInstance
		for h := -72; h <= 0; h += 12 {
			state := store.DoseMissed
			if h == 0 {
				state = store.DosePending
			}
			doses = append(doses, b.dose(t0.Add(time.Duration(h)*time.Hour-3*time.Hour), state))
		}
		target := doses[2] // 48 h + 3 h ago
		alert := store.Alert{PatientID: b.w.Patient.ID, Kind: store.AlertMissedDose, DoseID: &target.ID,
			OpenedAt: target.ScheduledAt.Add(time.Hour), NextStep: 1, NextAt: &t0}
		if err := b.db.Create(&alert).Error; err != nil {
			t.Fatal(err)
		}
		// Taken 2.5 h late: after the grace, so the dose had been missed.
		lateTake := target.ScheduledAt.Add(150 * time.Minute)
		onTime := doses[4].ScheduledAt.Add(-20 * time.Minute)
		a := b.post(take(uid(20), lateTake), take(uid(21), onTime))
		if a.Results[0].DoseID == nil || *a.Results[0].DoseID != target.ID || a.Results[1].DoseID == nil || *a.Results[1].DoseID != doses[4].ID {
			t.Fatalf("backlog matched %+v, want doses %d and %d", a.Results, target.ID, doses[4].ID)
		}
		got := b.reload(target.ID)
		if got.State != store.DoseTaken || got.OnTime == nil || *got.OnTime || !got.TakenAt.Equal(lateTake) {
			t.Fatalf("historical dose: %+v, want taken late at %v", got, lateTake)
		}
		if g := b.reload(doses[4].ID); g.OnTime == nil || !*g.OnTime {
			t.Fatalf("on-time dose: %+v", g)
		}
		for _, i := range []int{0, 1, 3, 5} {
			if g := b.reload(doses[i].ID); g.State != store.DoseMissed || g.TakenAt != nil {
				t.Fatalf("dose %d changed: %+v", i, g)
			}
		}
		var al store.Alert
		b.db.Take(&al, alert.ID)
		if al.ClosedAt == nil || !al.ClosedAt.Equal(t0) || al.CloseReason != "dose_recorded" {
			t.Fatalf("alert not closed: %+v", al)
		}
	})
}

func TestDoubleDoseAndUnmatched(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		due := b.dose(t0.Add(-time.Hour), store.DosePending)
		first := b.post(take(uid(30), t0.Add(-55*time.Minute)))
		second := b.post(take(uid(31), t0.Add(-10*time.Minute)), take(uid(32), t0.Add(-30*time.Hour)))
		if first.Results[0].Flag != "" || second.Results[0].Flag != dispenser.FlagDoubleDose || second.Results[1].Flag != dispenser.FlagUnmatched {
			t.Fatalf("flags: %+v %+v", first.Results, second.Results)
		}
		d := b.reload(due.ID)
		if !d.DoubleDose || d.State != store.DoseTaken || !d.TakenAt.Equal(t0.Add(-55*time.Minute)) {
			t.Fatalf("dose after double take: %+v", d)
		}
		var evs []store.DoseEvent
		b.db.Where("dispenser_id = ?", b.disp.ID).Order("device_event_id").Find(&evs)
		if len(evs) != 3 || evs[1].Flag != "double_dose" || evs[1].DoseID == nil || *evs[1].DoseID != due.ID ||
			evs[2].Flag != "unmatched" || evs[2].DoseID != nil {
			t.Fatalf("stored events: %+v", evs)
		}
	})
}

func TestTwoTakesInOneBatch(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		due := b.dose(t0.Add(-time.Hour), store.DosePending)
		// Listed out of order: the earlier take records the dose.
		a := b.post(take(uid(41), t0.Add(-40*time.Minute)), take(uid(40), t0.Add(-58*time.Minute)))
		if a.Results[1].Flag != "" || a.Results[0].Flag != dispenser.FlagDoubleDose {
			t.Fatalf("results %+v", a.Results)
		}
		if d := b.reload(due.ID); !d.TakenAt.Equal(t0.Add(-58*time.Minute)) || !d.DoubleDose {
			t.Fatalf("dose %+v", d)
		}
	})
}

func TestRetryWithNewNeighbourRedoesTheMatch(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		// Posted before the schedule engine created the dose: unmatched.
		if a := b.post(take(uid(50), t0.Add(-50*time.Minute))); a.Results[0].Flag != dispenser.FlagUnmatched {
			t.Fatalf("first post %+v", a.Results)
		}
		due := b.dose(t0.Add(-time.Hour), store.DosePending)
		// The retry carries the old event and a new one: only the new one
		// is stored, so it records the dose (not a double dose of a take
		// that was never applied to the dose).
		a := b.post(take(uid(50), t0.Add(-50*time.Minute)), take(uid(51), t0.Add(-40*time.Minute)))
		if a.Results[0].Status != "duplicate" || a.Results[1].Flag != "" || a.Results[1].DoseID == nil || *a.Results[1].DoseID != due.ID {
			t.Fatalf("retry %+v", a.Results)
		}
		d := b.reload(due.ID)
		if d.State != store.DoseTaken || d.DoubleDose || !d.TakenAt.Equal(t0.Add(-40*time.Minute)) {
			t.Fatalf("dose %+v", d)
		}
		var ev store.DoseEvent
		b.db.Where("device_event_id = ?", uid(51)).Take(&ev)
		if ev.Flag != "" || ev.DoseID == nil || *ev.DoseID != due.ID {
			t.Fatalf("stored event %+v", ev)
		}
	})
}

func TestPerEventMatchingGivesTheSameAnswers(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		b.svc.PerEventMatching = true
		first := b.dose(t0.Add(-5*time.Hour), store.DoseMissed)
		second := b.dose(t0.Add(-time.Hour), store.DosePending)
		a := b.post(take(uid(60), t0.Add(-50*time.Minute)), take(uid(61), t0.Add(-3*time.Hour)), take(uid(62), t0.Add(-30*time.Minute)),
			take(uid(63), t0.Add(-30*time.Hour)))
		got := []string{}
		for _, r := range a.Results {
			got = append(got, r.Flag)
		}
		if a.Results[0].DoseID == nil || *a.Results[0].DoseID != second.ID || *a.Results[1].DoseID != first.ID ||
			got[2] != dispenser.FlagDoubleDose || got[3] != dispenser.FlagUnmatched {
			t.Fatalf("per-event results %+v", a.Results)
		}
		if d := b.reload(first.ID); d.State != store.DoseTaken || *d.OnTime {
			t.Fatalf("first dose %+v", d)
		}
	})
}

func TestBatchLimits(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, b *bundle) {
		events := make([]map[string]any, 0, 501)
		for i := range 500 {
			events = append(events, take(uid(1000+i), t0.Add(-time.Duration(i)*time.Minute)))
		}
		if a := b.post(events...); a.Accepted != 500 {
			t.Fatalf("500-event batch: %d accepted", a.Accepted)
		}
		events = append(events, take(uid(2000), t0))
		body, _ := json.Marshal(map[string]any{"events": events})
		rec := b.signed("POST", "/v1/dispenser/events", body, b.disp.Serial, b.key)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "batch_too_large") {
			t.Fatalf("501 events: %d %s", rec.Code, rec.Body)
		}
		huge := []byte(`{"events":[{"id":"` + strings.Repeat("x", 1<<20) + `"}]}`)
		if rec := b.signed("POST", "/v1/dispenser/events", huge, b.disp.Serial, b.key); rec.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("over 1 MiB: %d", rec.Code)
		}
		if rec := b.signed("POST", "/v1/dispenser/events", []byte(`{"events":[`), b.disp.Serial, b.key); rec.Code != http.StatusBadRequest {
			t.Fatalf("malformed: %d", rec.Code)
		}
		if n := b.countEvents(); n != 500 {
			t.Fatalf("%d events stored", n)
		}
	})
}
