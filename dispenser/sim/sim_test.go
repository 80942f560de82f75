package sim_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/dispenser"
	"github.com/doseloop/doseloop/dispenser/sim"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// server starts a real HTTP server with the dispenser routes over db.
func server(t *testing.T, db *gorm.DB, clk clock.Clock) (*httptest.Server, *storetest.World) {
	gin.SetMode(gin.TestMode)
	w := storetest.NewWorld(t, db, "sim", clk.Now())
	db.Model(&w.Regimen).Update("compartment", 1)
	a := auth.NewService(db, clk, bytes.Repeat([]byte("s"), 32))
	r := gin.New()
	r.Use(httpx.Errors())
	a.Register(r)
	dispenser.New(db, clk).Register(r, a)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv, w
}

func pub(k ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey))
}

func key(s string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte(s))
	return ed25519.NewKeyFromSeed(seed[:])
}

func TestDeviceOverRealHTTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		now := time.Date(2026, 5, 4, 12, 0, 0, 0, time.UTC)
		clk := clock.NewFake(now)
		srv, w := server(t, db, clk)
		ctx := context.Background()
		admin, err := sim.Login(ctx, srv.URL, w.Admin.Email, "correct horse battery staple")
		if err != nil {
			t.Fatal(err)
		}
		k := key("sim-1")
		if err := admin.Provision(ctx, "SIM-0001", k, w.Patient.ID); err != nil {
			t.Fatal(err)
		}
		if err := admin.Provision(ctx, "SIM-0001", k, w.Patient.ID); err != nil {
			t.Fatalf("reprovision with the same key: %v", err)
		}
		if err := admin.Provision(ctx, "SIM-0001", key("other"), w.Patient.ID); err == nil {
			t.Fatal("reprovision with another key succeeded")
		}
		dose := store.DoseInstance{PatientID: w.Patient.ID, RegimenID: w.Regimen.ID, ScheduledAt: now.Add(time.Hour),
			LocalDate: "2026-05-04", LocalTime: "09:00", State: "pending", CreatedAt: now, UpdatedAt: now}
		db.Create(&dose)
		d := &sim.Device{Serial: "SIM-0001", Key: k, BaseURL: srv.URL, Now: clk.Now, Skew: 40 * time.Second}
		s, etag, err := d.Schedule(ctx, "")
		if err != nil || len(s.Compartments) != 1 || s.Compartments[0].Doses[0].DoseID != dose.ID {
			t.Fatalf("schedule %+v %v", s, err)
		}
		if s2, etag2, err := d.Schedule(ctx, etag); err != nil || s2 != nil || etag2 != etag {
			t.Fatalf("second pull not a 304: %+v %v", s2, err)
		}
		clk.Advance(70 * time.Minute)
		ev := d.NewEvent("dose_taken", d.Clock().Add(-5*time.Minute), 1)
		a, err := d.PostEvents(ctx, []sim.Event{ev})
		if err != nil || a.Accepted != 1 || a.Results[0].DoseID == nil || *a.Results[0].DoseID != dose.ID {
			t.Fatalf("post: %+v %v", a, err)
		}
		if a, err = d.PostEvents(ctx, []sim.Event{ev}); err != nil || a.Duplicates != 1 {
			t.Fatalf("retry: %+v %v", a, err)
		}
		if err := d.Heartbeat(ctx, 78, "sim", -70); err != nil {
			t.Fatal(err)
		}
		// A second heartbeat in the same second still gets a newer timestamp.
		if err := d.Heartbeat(ctx, 77, "sim", -70); err != nil {
			t.Fatal(err)
		}
		var got store.Dispenser
		db.Where("serial = ?", "SIM-0001").Take(&got)
		if got.BatteryPct == nil || *got.BatteryPct != 77 || got.LastSeq != *ev.Seq {
			t.Fatalf("dispenser %+v", got)
		}
	})
}

func TestProfileMix(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	due := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	var missed, late, double, onTime int
	for range 10000 {
		ts := sim.DefaultProfile.TakeTimes(r, due)
		switch {
		case len(ts) == 0:
			missed++
		case len(ts) == 2:
			double++
		case ts[0].Sub(due) > time.Hour:
			late++
		default:
			onTime++
			if d := ts[0].Sub(due); d < -45*time.Minute || d > 45*time.Minute {
				t.Fatalf("on-time take %v from due", d)
			}
		}
	}
	if missed < 600 || missed > 1000 || late < 600 || late > 1000 || double < 150 || double > 450 || onTime < 7500 {
		t.Fatalf("mix missed=%d late=%d double=%d on_time=%d", missed, late, double, onTime)
	}
}

func TestIDSet(t *testing.T) {
	t.Parallel()
	s := sim.IDSet{}
	a, b := sim.NewID(), sim.NewID()
	s.Add(a)
	if !s.Has(a) || s.Has(b) || !s.Has(strings.ToUpper(a)) {
		t.Fatalf("set %v: has a=%v b=%v", s, s.Has(a), s.Has(b))
	}
}
