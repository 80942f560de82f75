package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"github.com/doseloop/doseloop/web"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

const password = "correct horse battery staple"

var now = time.Date(2026, 3, 31, 15, 0, 0, 0, time.UTC)

// bundle is a running dashboard over a test database with one World.
type bundle struct {
	db  *gorm.DB
	srv *httptest.Server
	w   *storetest.World
	clk *clock.Fake
}

// setup starts the real handlers the server mounts (auth, report API,
// dashboard) behind the shared middleware, over plain http.
func setup(t *testing.T, db *gorm.DB) *bundle {
	t.Helper()
	gin.SetMode(gin.TestMode)
	clk := clock.NewFake(now)
	authn := auth.NewService(db, clk, []byte("0123456789abcdef0123456789abcdef"))
	b := &bundle{db: db, w: storetest.NewWorld(t, db, "web", now), clk: clk}
	addDoses(t, db, b.w.Patient, b.w.Regimen.ID, 95)
	r := gin.New()
	r.Use(httpx.Recover(), httpx.Errors())
	authn.Register(r)
	(&report.API{DB: db, Clock: clk}).Register(r, authn.Required())
	web.New(db, clk, authn, false).Register(r)
	b.srv = httptest.NewServer(r)
	t.Cleanup(b.srv.Close)
	return b
}

// addDoses inserts 08:00 and 20:00 New York doses for days days: mostly
// taken, every fifth day the evening missed, every seventh morning late.
func addDoses(t testing.TB, db *gorm.DB, pt store.Patient, regimenID int64, days int) {
	zone, _ := time.LoadLocation(pt.TimeZone)
	today := now.In(zone)
	var rows []store.DoseInstance
	yes, no := true, false
	for day := days; day >= 0; day-- {
		date := today.AddDate(0, 0, -day)
		for slot, h := range []int{8, 20} {
			at := time.Date(date.Year(), date.Month(), date.Day(), h, 0, 0, 0, zone).UTC()
			d := store.DoseInstance{PatientID: pt.ID, RegimenID: regimenID, ScheduledAt: at, LocalDate: date.Format(time.DateOnly),
				LocalTime: []string{"08:00", "20:00"}[slot], State: store.DosePending, CreatedAt: now, UpdatedAt: now}
			if at.Before(now.Add(-time.Hour)) {
				taken := at.Add(10 * time.Minute)
				switch {
				case day%5 == 0 && slot == 1:
					d.State = store.DoseMissed
				case day%7 == 0 && slot == 0:
					late := at.Add(3 * time.Hour)
					d.State, d.OnTime, d.TakenAt = store.DoseTaken, &no, &late
				default:
					d.State, d.OnTime, d.TakenAt = store.DoseTaken, &yes, &taken
				}
			}
			rows = append(rows, d)
		}
	}
	if err := db.CreateInBatches(rows, 200).Error; err != nil {
		t.Fatal(err)
	}
}

// client is a browser-like HTTP client with a cookie jar.
type client struct {
	t    *testing.T
	b    *bundle
	http *http.Client
}

func (b *bundle) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, b: b, http: &http.Client{Jar: jar}}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (c *client) get(path string) (*http.Response, string) {
	c.t.Helper()
	res, err := c.http.Get(c.b.srv.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	res, err := c.http.PostForm(c.b.srv.URL+path, form)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

// csrf returns the form token of the page at path.
func (c *client) csrf(path string) string {
	c.t.Helper()
	_, body := c.get(path)
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		c.t.Fatalf("no csrf field on %s", path)
	}
	return m[1]
}

// login signs in through the form and returns the landing page.
func (c *client) login(email string) (*http.Response, string) {
	c.t.Helper()
	tok := c.csrf("/web/login")
	return c.post("/web/login", url.Values{"csrf": {tok}, "email": {email}, "password": {password}})
}

func mustContain(t *testing.T, what, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("%s lacks %q", what, p)
		}
	}
}
