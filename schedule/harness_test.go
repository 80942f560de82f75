package schedule_test

import (
	"context"
	"io"
	"log/slog"
	"sort"
	"testing"
	"time"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

// t0 is 08:00 in New York on a plain Tuesday (EDT).
var t0 = utc("2026-03-10T12:00:00Z")

type bundle struct {
	db    *gorm.DB
	w     *storetest.World
	clk   *clock.Fake
	sched *schedule.Scheduler
	names map[int64]string // user id -> role name, for readable assertions
}

func setup(t *testing.T, db *gorm.DB, prefix string) *bundle {
	t.Helper()
	b := &bundle{db: db, clk: clock.NewFake(t0.Add(-time.Minute))}
	b.w = storetest.NewWorld(t, db, prefix, t0.Add(-24*time.Hour))
	b.sched = schedule.New(db, b.clk)
	b.sched.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	b.names = map[int64]string{b.w.PatientUsr.ID: "patient", b.w.Caregiver.ID: "caregiver1", b.w.Physician.ID: "physician"}
	return b
}

func (b *bundle) expand(t *testing.T) {
	t.Helper()
	if _, err := schedule.ExtendHorizons(context.Background(), b.db, b.clk.Now(), schedule.DefaultHorizon); err != nil {
		t.Fatal(err)
	}
}

// run ticks every minute from the clock's instant through until (inclusive).
func (b *bundle) run(t *testing.T, until time.Time) {
	t.Helper()
	for now := b.clk.Now(); !now.After(until); now = b.clk.Advance(time.Minute) {
		if err := b.sched.Tick(context.Background(), now); err != nil {
			t.Fatalf("tick %s: %v", now, err)
		}
	}
	b.clk.Set(until)
}

// sent lists the outbox as "HH:MM kind template recipient" in New York time.
func (b *bundle) sent(t *testing.T) []string {
	t.Helper()
	var ns []store.Notification
	if err := b.db.Order("id").Find(&ns).Error; err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	var out []string
	for _, n := range ns {
		tpl := n.Payload[len(`{"template":"`):]
		tpl = tpl[:len(tpl)-len(tpl)+indexByte(tpl, '"')]
		out = append(out, n.CreatedAt.In(ny).Format("15:04")+" "+n.Kind+" "+tpl+" "+b.names[n.RecipientID])
	}
	sort.Strings(out)
	return out
}

func indexByte(s string, c byte) int {
	for i := range len(s) {
		if s[i] == c {
			return i
		}
	}
	return len(s)
}

func (b *bundle) dose(t *testing.T, at time.Time) store.DoseInstance {
	t.Helper()
	var d store.DoseInstance
	if err := b.db.Where("regimen_id = ? AND scheduled_at = ?", b.w.Regimen.ID, at).Take(&d).Error; err != nil {
		t.Fatalf("dose at %s: %v", at, err)
	}
	return d
}

func equalLines(t *testing.T, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("got %d notifications:\n%s\nwant %d:\n%s", len(got), join(got), len(want), join(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got:\n%s\nwant:\n%s", join(got), join(want))
		}
	}
}

func join(s []string) string {
	out := ""
	for _, l := range s {
		out += "  " + l + "\n"
	}
	return out
}
