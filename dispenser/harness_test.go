package dispenser_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/dispenser"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// t0 is "now" in every test: 15:00 UTC on a Tuesday.
var t0 = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

// bundle is one test's server: a World, a dispenser assigned to its patient
// with the World regimen in compartment 1, and the device's private key.
type bundle struct {
	t     testing.TB
	db    *gorm.DB
	clk   *clock.Fake
	h     http.Handler
	w     *storetest.World
	disp  store.Dispenser
	key   ed25519.PrivateKey
	admin string // admin access token
	svc   *dispenser.Service
}

func setup(t testing.TB, db *gorm.DB) *bundle {
	t.Helper()
	gin.SetMode(gin.TestMode)
	clk := clock.NewFake(t0)
	w := storetest.NewWorld(t, db, fmt.Sprintf("d%d", time.Now().UnixNano()), t0)
	one := 1
	if err := db.Model(&w.Regimen).Update("compartment", one).Error; err != nil {
		t.Fatal(err)
	}
	a := auth.NewService(db, clk, bytes.Repeat([]byte("k"), 32))
	svc := dispenser.New(db, clk)
	r := gin.New()
	r.Use(httpx.Logger(), httpx.Recover(), httpx.Errors(), httpx.BodyLimit(httpx.DefaultBodyLimit))
	a.Register(r)
	svc.Register(r, a)
	b := &bundle{t: t, db: db, clk: clk, h: r, w: w, svc: svc}
	b.key = keyFor("dev-1")
	b.disp = b.addDispenser("SN-"+strconv.FormatInt(w.Clinic.ID, 10)+"-1", b.key, &w.Patient.ID)
	tok, err := a.Login(context.Background(), w.Admin.Email, "correct horse battery staple", "test")
	if err != nil {
		t.Fatal(err)
	}
	b.admin = tok.AccessToken
	return b
}

func keyFor(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte(name))
	return ed25519.NewKeyFromSeed(seed[:])
}

func pubOf(k ed25519.PrivateKey) string {
	return base64.StdEncoding.EncodeToString(k.Public().(ed25519.PublicKey))
}

func (b *bundle) addDispenser(serial string, key ed25519.PrivateKey, patient *int64) store.Dispenser {
	d := store.Dispenser{ClinicID: b.w.Clinic.ID, Serial: serial, PublicKey: pubOf(key), PatientID: patient,
		HeartbeatIntervalS: 900, CreatedAt: t0, UpdatedAt: t0}
	if err := b.db.Create(&d).Error; err != nil {
		b.t.Fatal(err)
	}
	return d
}

// dose inserts a dose instance of the World regimen.
func (b *bundle) dose(at time.Time, state string) store.DoseInstance {
	d := store.DoseInstance{PatientID: b.w.Patient.ID, RegimenID: b.w.Regimen.ID, ScheduledAt: at.UTC(),
		LocalDate: at.Format("2006-01-02"), LocalTime: at.Format("15:04"), State: state, CreatedAt: t0, UpdatedAt: t0}
	if err := b.db.Create(&d).Error; err != nil {
		b.t.Fatal(err)
	}
	return d
}

func (b *bundle) reload(id int64) store.DoseInstance {
	var d store.DoseInstance
	if err := b.db.Take(&d, id).Error; err != nil {
		b.t.Fatal(err)
	}
	return d
}

// signed sends a device request signed with key at the fake clock's time.
func (b *bundle) signed(method, path string, body []byte, serial string, key ed25519.PrivateKey, hdr ...string) *httptest.ResponseRecorder {
	ts := b.clk.Now().Unix()
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(dispenser.HeaderSerial, serial)
	req.Header.Set(dispenser.HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(dispenser.HeaderSignature, dispenser.Sign(key, serial, method, path, ts, body))
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	return rec
}

// post sends a batch of events as the bundle's dispenser and decodes the answer.
func (b *bundle) post(events ...map[string]any) dispenser.BatchAnswer {
	b.t.Helper()
	body, _ := json.Marshal(map[string]any{"events": events})
	rec := b.signed("POST", "/v1/dispenser/events", body, b.disp.Serial, b.key)
	if rec.Code != http.StatusOK {
		b.t.Fatalf("post events: %d %s", rec.Code, rec.Body)
	}
	var a dispenser.BatchAnswer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		b.t.Fatal(err)
	}
	return a
}

// adminDo sends an admin API request with the World admin's token.
func (b *bundle) adminDo(method, path string, body any, token string) *httptest.ResponseRecorder {
	var r *bytes.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		r = bytes.NewReader(raw)
	} else {
		r = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, req)
	return rec
}

var uuidN int

// take builds a dose_taken event for compartment 1.
func take(id string, at time.Time) map[string]any {
	return map[string]any{"id": id, "type": "dose_taken", "occurred_at": at.Format(time.RFC3339), "compartment": 1}
}

func uid(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

func (b *bundle) countEvents() int64 {
	var n int64
	b.db.Model(&store.DoseEvent{}).Where("dispenser_id = ?", b.disp.ID).Count(&n)
	return n
}

func each(t *testing.T, fn func(t *testing.T, b *bundle)) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) { fn(t, setup(t, db)) })
}
