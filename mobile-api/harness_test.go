package mobileapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/doseloop/doseloop/apidoc"
	"github.com/doseloop/doseloop/apidoc/apidoctest"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/httpx"
	mobileapi "github.com/doseloop/doseloop/mobile-api"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

const pw = "correct horse battery staple"

// t0 is 11:00 in New York (EDT), the A patient's zone.
var t0 = time.Date(2026, 6, 10, 15, 0, 0, 0, time.UTC)

// secret is the A patient's name: no body answered to a caller without a
// relationship to that patient may contain it.
const secret = "Alice Foreign-Secret"

// Roles of the authorization matrix.
const (
	rPatient   = "patient"       // the A patient, owner of every object
	rOther     = "other patient" // another patient of the same clinic
	rLinked    = "linked caregiver"
	rUnlinked  = "unlinked caregiver"
	rRevoked   = "revoked caregiver"
	rForeignMD = "physician of another clinic"
)

var roles = []string{rPatient, rOther, rLinked, rUnlinked, rRevoked, rForeignMD}

// harness is a router with the mobile API over a database holding clinic A
// (the patient, caregivers in every relationship) and clinic B.
type harness struct {
	t        *testing.T
	db       *gorm.DB
	clk      *clock.Fake
	auth     *auth.Service
	r        *gin.Engine
	v        *apidoctest.Validator
	A, B     *storetest.World
	other    store.Patient
	users    map[string]store.User
	tokens   map[string]string
	reexpand []string // time zones Reexpand was called with
	prn      store.Regimen
	seq      int
}

var validator *apidoctest.Validator

func init() {
	gin.SetMode(gin.TestMode)
	v, err := apidoctest.NewValidator()
	if err != nil {
		panic(err)
	}
	validator = v
}

func setup(t *testing.T, db *gorm.DB) *harness {
	t.Helper()
	h := &harness{t: t, db: db, clk: clock.NewFake(t0), v: validator, users: map[string]store.User{}, tokens: map[string]string{}}
	h.A = storetest.NewWorld(t, db, "a", t0)
	h.B = storetest.NewWorld(t, db, "b", t0)
	h.must(db.Model(&h.A.Patient).Update("name", secret).Error)
	h.A.Patient.Name = secret
	h.users[rPatient], h.users[rLinked], h.users[rForeignMD] = h.A.PatientUsr, h.A.Caregiver, h.B.Physician
	h.users[rUnlinked] = h.user(h.A.Clinic.ID, store.RoleCaregiver, "a-unlinked@example.test")
	h.users[rRevoked] = h.user(h.A.Clinic.ID, store.RoleCaregiver, "a-revoked@example.test")
	rid := h.users[rRevoked].ID
	h.must(db.Create(&store.CareLink{PatientID: h.A.Patient.ID, CaregiverID: &rid, EscalationOrder: 2, State: store.LinkRevoked,
		CreatedAt: t0, AcceptedAt: &t0, EndedAt: &t0}).Error)
	ou := h.user(h.A.Clinic.ID, store.RolePatient, "a-other-patient@example.test")
	h.users[rOther] = ou
	h.other = store.Patient{ClinicID: h.A.Clinic.ID, UserID: &ou.ID, Name: "Otto Other", TimeZone: "Europe/Berlin",
		HomeTimeZone: "Europe/Berlin", TravelPolicy: "home", CreatedAt: t0, UpdatedAt: t0}
	h.must(db.Create(&h.other).Error)
	ibu := store.Medication{ClinicID: h.A.Clinic.ID, Name: "Ibuprofen", Strength: "200 mg", CreatedAt: t0}
	h.must(db.Create(&ibu).Error)
	h.prn = store.Regimen{PatientID: h.A.Patient.ID, MedicationID: ibu.ID, DoseQuantity: 1, DoseUnit: "tablet", AsNeeded: true,
		Timing: `{"maxDosePerPeriod":{"count":2,"period":1,"periodUnit":"d"}}`, OnTimeWindowMin: 60, GraceMin: 60,
		StartsAt: t0.AddDate(0, 0, -30), CreatedAt: t0, UpdatedAt: t0}
	h.must(db.Create(&h.prn).Error)

	h.auth = auth.NewService(db, h.clk, []byte("0123456789abcdef0123456789abcdef"))
	api := &mobileapi.API{DB: db, Clock: h.clk, Reexpand: func(tx *gorm.DB, pt *store.Patient, now time.Time) error {
		h.reexpand = append(h.reexpand, pt.TimeZone)
		return nil
	}}
	h.r = gin.New()
	h.r.Use(httpx.Errors())
	h.auth.Register(h.r)
	api.Register(h.r, h.auth.Required())
	apidoc.Register(h.r)
	for _, role := range roles {
		h.login(role)
	}
	return h
}

func (h *harness) must(err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) user(clinic int64, role, email string) store.User {
	u := store.User{ClinicID: clinic, Email: email, Name: email, Role: role, PasswordHash: storetest.PasswordHash,
		Locale: "en", LockScreenPrivate: true, CreatedAt: t0, UpdatedAt: t0}
	h.must(h.db.Create(&u).Error)
	return u
}

// login (re)signs a role in at the fake clock's time.
func (h *harness) login(role string) {
	tok, err := h.auth.Login(context.Background(), h.users[role].Email, pw, "test")
	h.must(err)
	h.tokens[role] = tok.AccessToken
}

// dose inserts a dose of the A patient's scheduled regimen at local hh:mm
// on the fake clock's local day, in state.
func (h *harness) dose(local string, state string) store.DoseInstance {
	loc, _ := time.LoadLocation("America/New_York")
	day := h.clk.Now().In(loc)
	at, _ := time.ParseInLocation("2006-01-02 15:04", day.Format("2006-01-02")+" "+local, loc)
	h.seq++
	at = at.Add(time.Duration(h.seq) * time.Microsecond) // unique per (regimen, instant)
	d := store.DoseInstance{PatientID: h.A.Patient.ID, RegimenID: h.A.Regimen.ID, ScheduledAt: at.UTC(), LocalDate: day.Format("2006-01-02"),
		LocalTime: local, State: state, CreatedAt: t0, UpdatedAt: t0}
	h.must(h.db.Create(&d).Error)
	return d
}

// missedWithAlert inserts a missed dose and its open escalation.
func (h *harness) missedWithAlert(local string) (store.DoseInstance, store.Alert) {
	d := h.dose(local, store.DoseMissed)
	next := h.clk.Now().Add(10 * time.Minute)
	al := store.Alert{PatientID: d.PatientID, Kind: store.AlertMissedDose, DoseID: &d.ID, OpenedAt: h.clk.Now().Add(-time.Hour), NextStep: 1, NextAt: &next}
	h.must(h.db.Create(&al).Error)
	return d, al
}

type resp struct {
	*httptest.ResponseRecorder
	json map[string]any
}

// do sends a request as role ("" = anonymous) and checks the response
// against the OpenAPI document.
func (h *harness) do(role, method, path string, body any, hdr ...string) resp {
	h.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+h.tokens[role])
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.r.ServeHTTP(w, req)
	if err := h.v.ValidateResponse(httptest.NewRequest(method, path, nil), w.Code, w.Header(), w.Body.Bytes()); err != nil {
		h.t.Errorf("response does not match openapi.json: %v\nbody: %s", err, w.Body.String())
	}
	r := resp{ResponseRecorder: w}
	_ = json.Unmarshal(w.Body.Bytes(), &r.json)
	return r
}

func (h *harness) expect(r resp, status int) {
	h.t.Helper()
	if r.Code != status {
		h.t.Fatalf("status %d, want %d: %s", r.Code, status, r.Body.String())
	}
}

// reload reads row id into v, zeroing v first (GORM would otherwise add
// v's old primary key to the query and keep stale non-NULL pointers).
func (h *harness) reload(v any, id int64) {
	h.t.Helper()
	rv := reflect.ValueOf(v).Elem()
	rv.Set(reflect.Zero(rv.Type()))
	h.must(h.db.Take(v, id).Error)
}

// audits counts audit rows for action with outcome.
func (h *harness) audits(action, outcome string) int64 {
	var n int64
	h.must(h.db.Model(&store.AuditEntry{}).Where("action = ? AND outcome = ?", action, outcome).Count(&n).Error)
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
