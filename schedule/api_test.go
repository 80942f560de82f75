package schedule_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

type apiBundle struct {
	*bundle
	srv   *httptest.Server
	authn *auth.Service
}

func setupAPI(t *testing.T, db *gorm.DB, prefix string) *apiBundle {
	t.Helper()
	gin.SetMode(gin.TestMode)
	b := &apiBundle{bundle: setup(t, db, prefix)}
	b.authn = auth.NewService(db, b.clk, []byte("0123456789abcdef0123456789abcdef"))
	r := gin.New()
	r.Use(httpx.Errors())
	(&schedule.API{DB: db, Clock: b.clk, Auth: b.authn}).Register(r)
	b.srv = httptest.NewServer(r)
	t.Cleanup(b.srv.Close)
	return b
}

func (b *apiBundle) do(t *testing.T, u store.User, method, path, body string) (int, map[string]any) {
	t.Helper()
	tok, err := b.authn.Login(context.Background(), u.Email, "correct horse battery staple", "test")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(method, b.srv.URL+path, bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	if res.StatusCode >= 400 && res.Header.Get("Content-Type") != httpx.ProblemContentType {
		t.Errorf("%s %s: error %d is not problem+json: %s", method, path, res.StatusCode, raw)
	}
	return res.StatusCode, out
}

func (b *apiBundle) pending(t *testing.T, regimenID int64) []string {
	t.Helper()
	var ds []store.DoseInstance
	b.db.Where("regimen_id = ? AND state = ?", regimenID, store.DosePending).Order("scheduled_at").Find(&ds)
	var out []string
	for _, d := range ds {
		out = append(out, d.LocalDate+" "+d.LocalTime)
	}
	return out
}

// TestRegimenChangeMidDay: at 10:00 the physician moves 08:00/20:00 to
// 09:00/21:00. The 08:00 dose already taken stays; tonight's 20:00 becomes
// 21:00; tomorrow follows the new times.
func TestRegimenChangeMidDay(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setupAPI(t, db, "chg")
		b.expand(t)
		d := b.dose(t, t0)
		db.Transaction(func(tx *gorm.DB) error {
			_, err := schedule.RecordTaken(tx, d.ID, t0, schedule.Actor{Source: "patient"})
			return err
		})
		b.clk.Set(t0.Add(2 * time.Hour))
		path := fmt.Sprintf("/v1/patients/%d/regimens/%d", b.w.Patient.ID, b.w.Regimen.ID)
		status, body := b.do(t, b.w.Physician, "PATCH", path, `{"timing":{"timeOfDay":["09:00","21:00"]}}`)
		if status != http.StatusOK {
			t.Fatalf("PATCH: %d %v", status, body)
		}
		want := []string{"2026-03-10 21:00", "2026-03-11 09:00", "2026-03-11 21:00", "2026-03-12 09:00"}
		if got := b.pending(t, b.w.Regimen.ID); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("pending after change %v, want %v", got, want)
		}
		if after := b.dose(t, t0); after.State != store.DoseTaken {
			t.Fatalf("taken dose rewritten: %+v", after)
		}
		var cancelled int64
		db.Model(&store.DoseInstance{}).Where("regimen_id = ? AND state = ?", b.w.Regimen.ID, store.DoseCancelled).Count(&cancelled)
		if cancelled != 3 {
			t.Fatalf("%d doses cancelled, want 3 (tonight 20:00, tomorrow 08:00 and 20:00)", cancelled)
		}
		// Changing back revives the cancelled instants instead of failing on them.
		if status, body := b.do(t, b.w.Physician, "PATCH", path, `{"timing":{"timeOfDay":["08:00","20:00"]}}`); status != http.StatusOK {
			t.Fatalf("PATCH back: %d %v", status, body)
		}
		if got := b.pending(t, b.w.Regimen.ID); len(got) != 4 || got[0] != "2026-03-10 20:00" {
			t.Fatalf("pending after changing back: %v", got)
		}
		var audits int64
		db.Model(&store.AuditEntry{}).Where("action = ? AND outcome = ? AND patient_id = ?", "regimen.update", "ok", b.w.Patient.ID).Count(&audits)
		if audits != 2 {
			t.Fatalf("%d audit rows for two updates", audits)
		}
	})
}

// TestRegimenAPIAccessAndValidation covers create, list, stop, the roles and
// scoping, and bad input changing nothing.
func TestRegimenAPIAccessAndValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setupAPI(t, db, "api")
		other := storetest.NewWorld(t, db, "api-other", t0)
		base := fmt.Sprintf("/v1/patients/%d/regimens", b.w.Patient.ID)
		create := fmt.Sprintf(`{"medication_id":%d,"dose_quantity":2,"timing":{"frequency":1,"period":8,"periodUnit":"h","boundsPeriod":{"start":"2026-03-10T13:00:00Z"}},"critical":true}`, b.w.Medication.ID)
		cases := []struct {
			who    store.User
			method string
			path   string
			body   string
			status int
		}{
			{b.w.Caregiver, "GET", base, "", 403},
			{b.w.PatientUsr, "POST", base, create, 403},
			{other.Physician, "POST", base, create, 404},
			{other.Admin, "GET", base, "", 404},
			{b.w.Physician, "POST", base, `{"medication_id":1,"timing":{"timeOfDay":["08:00"],"frequency":1}}`, 400},
			{b.w.Physician, "POST", base, fmt.Sprintf(`{"medication_id":%d,"timing":{"timeOfDay":["08:00"]}}`, other.Medication.ID), 400},
			{b.w.Physician, "POST", base, `{"medication_id":1,"timing":{"timeOfDay":["08:00"]},"colour":"red"}`, 400},
			{b.w.Physician, "PATCH", base + "/999999", `{"critical":true}`, 404},
			{b.w.Physician, "PATCH", fmt.Sprintf("%s/%d", base, b.w.Regimen.ID), `{}`, 400},
			{other.Physician, "POST", fmt.Sprintf("%s/%d/stop", base, b.w.Regimen.ID), "", 404},
		}
		for _, c := range cases {
			if status, body := b.do(t, c.who, c.method, c.path, c.body); status != c.status {
				t.Errorf("%s %s %s as %s: %d %v, want %d", c.method, c.path, c.body, c.who.Role, status, body, c.status)
			}
		}
		var regimens, doses int64
		db.Model(&store.Regimen{}).Where("patient_id = ?", b.w.Patient.ID).Count(&regimens)
		db.Model(&store.DoseInstance{}).Where("patient_id = ?", b.w.Patient.ID).Count(&doses)
		if regimens != 1 || doses != 0 {
			t.Fatalf("refused requests changed data: %d regimens, %d doses", regimens, doses)
		}
		status, body := b.do(t, b.w.Admin, "POST", base, create)
		if status != http.StatusCreated || body["timing"].(map[string]any)["periodUnit"] != "h" || body["critical"] != true {
			t.Fatalf("create: %d %v", status, body)
		}
		rid := int64(body["id"].(float64))
		if got := b.pending(t, rid); len(got) != 6 || got[0] != "2026-03-10 09:00" {
			t.Fatalf("8-hourly from 09:00 for 48 h: %v", got)
		}
		if status, body = b.do(t, b.w.Physician, "GET", base, ""); status != 200 || len(body["items"].([]any)) != 2 {
			t.Fatalf("list: %d %v", status, body)
		}
		stop := fmt.Sprintf("%s/%d/stop", base, rid)
		b.clk.Set(t0.Add(8 * time.Hour))
		if status, body = b.do(t, b.w.Physician, "POST", stop, ""); status != 200 || body["stopped_at"] == nil {
			t.Fatalf("stop: %d %v", status, body)
		}
		if got := b.pending(t, rid); len(got) != 1 {
			t.Fatalf("after stop at 16:00 only the 09:00 dose stays pending (already due): %v", got)
		}
		if status, _ = b.do(t, b.w.Physician, "POST", stop, ""); status != 409 {
			t.Fatalf("second stop: %d, want 409", status)
		}
		var denied int64
		db.Model(&store.AuditEntry{}).Where("patient_id = ? AND outcome = ?", b.w.Patient.ID, auth.OutcomeDenied).Count(&denied)
		if denied < 3 {
			t.Fatalf("foreign attempts audited %d times, want at least 3", denied)
		}
	})
}
