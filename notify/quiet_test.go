package notify_test

import (
	"testing"
	"time"

	"github.com/doseloop/doseloop/notify"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

func TestQuietHoursDeferNonCritical(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		cg := b.w.Caregiver.ID // a caregiver: quiet hours in the clinic's zone (New York)
		db.Model(&store.User{}).Where("id = ?", cg).Updates(map[string]any{"quiet_start": "22:00", "quiet_end": "07:00"})
		b.token(t, cg, "tok-night")
		night := time.Date(2026, 6, 11, 7, 0, 0, 0, time.UTC) // 03:00 EDT
		b.clk.Set(night)
		routine := b.enqueue(t, "routine", cg, "push", false, reminder(1))
		urgent := b.enqueue(t, "urgent", cg, "push", true, reminder(2))
		st := b.tick(t)
		if st.Deferred != 1 || st.Sent != 1 {
			t.Fatalf("stats %+v, want 1 deferred 1 sent", st)
		}
		end := time.Date(2026, 6, 11, 11, 0, 0, 0, time.UTC) // 07:00 EDT
		r := b.row(t, routine.ID)
		if r.State != store.NotifyPending || !r.NotBefore.Equal(end) || r.Attempts != 0 {
			t.Fatalf("routine = %s not_before %v attempts %d, want pending until 07:00 local", r.State, r.NotBefore, r.Attempts)
		}
		if r := b.row(t, urgent.ID); r.State != store.NotifySent {
			t.Fatalf("critical row = %s, want sent despite quiet hours", r.State)
		}
		b.clk.Set(end)
		if st := b.tick(t); st.Sent != 1 {
			t.Fatalf("at quiet end: %+v", st)
		}
	})
}

func TestQuietUntil(t *testing.T) {
	t.Parallel()
	ny := "America/New_York"
	at := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }
	cases := []struct {
		now, zone, start, end string
		want                  string // "" = not quiet
	}{
		{"2026-06-11T07:00:00Z", ny, "22:00", "07:00", "2026-06-11T11:00:00Z"}, // 03:00 local
		{"2026-06-11T03:00:00Z", ny, "22:00", "07:00", "2026-06-11T11:00:00Z"}, // 23:00 local, ends tomorrow
		{"2026-06-11T12:00:00Z", ny, "22:00", "07:00", ""},                     // 08:00 local
		{"2026-06-11T11:00:00Z", ny, "22:00", "07:00", ""},                     // exactly the end
		{"2026-06-11T17:30:00Z", ny, "13:00", "14:00", "2026-06-11T18:00:00Z"}, // same-day window
		{"2026-06-11T17:30:00Z", ny, "", "", ""},
		{"2026-06-11T17:30:00Z", ny, "13:00", "13:00", ""},
		{"2026-06-11T17:30:00Z", ny, "25:00", "07:00", ""},
		{"2026-03-08T06:30:00Z", ny, "01:00", "02:30", "2026-03-08T07:30:00Z"}, // 01:30 EST; 02:30 does not exist → 03:30 EDT
		{"2026-06-11T07:00:00Z", "Not/AZone", "06:00", "08:00", "2026-06-11T08:00:00Z"},
	}
	for _, c := range cases {
		got, ok := notify.QuietUntil(at(c.now), c.zone, c.start, c.end)
		if (c.want == "") == ok || ok && !got.Equal(at(c.want)) {
			t.Errorf("QuietUntil(%s %s %s-%s) = %v %v, want %q", c.now, c.zone, c.start, c.end, got, ok, c.want)
		}
	}
}

func FuzzParseHHMM(f *testing.F) {
	for _, s := range []string{"08:00", "23:59", "24:00", "7:00", "ab:cd", "", "12:3x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := notify.ParseHHMM(s)
		if err != nil {
			return
		}
		if m < 0 || m >= 24*60 || len(s) != 5 {
			t.Fatalf("ParseHHMM(%q) = %d", s, m)
		}
		if back := time.Date(0, 1, 1, m/60, m%60, 0, 0, time.UTC).Format("15:04"); back != s {
			t.Fatalf("ParseHHMM(%q) = %d, formats back as %q", s, m, back)
		}
	})
}
