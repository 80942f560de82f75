package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/doseloop/doseloop/schedule"
	"github.com/doseloop/doseloop/seed"
	"github.com/doseloop/doseloop/store"
)

// appBrowser is the demo clinic served over real HTTP, a headless Chromium
// with a 390 px phone viewport, and the helpers the app tests share.
type appBrowser struct {
	*bundle
	t     *testing.T
	srv   *httptest.Server
	ctx   context.Context
	sched *schedule.Scheduler
	axe   string // axe.min.js, "" when app/node_modules is absent
}

// The test's morning: 08:05 in London (UTC in November), five minutes
// after the patient's 08:00 doses and 95 minutes after the 06:30 one.
var appMorning = time.Date(2026, 11, 23, 8, 5, 0, 0, time.UTC)

const (
	appPatient   = "olivia.brown@demo.doseloop.local" // Europe/London, caregivers Omar Haddad (1st) and Grace Miller (2nd)
	appCaregiver = "omar.haddad@demo.doseloop.local"
)

func newAppBrowser(t *testing.T, env map[string]string) *appBrowser {
	t.Helper()
	exe := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		t.Skip("no chromium on PATH: skipping the app browser test (install it with apt-get install -y chromium)")
	}
	b := setup(t, env)
	ab := &appBrowser{bundle: b, t: t, sched: schedule.New(b.app.db, b.clock)}
	ab.seed()
	ab.srv = httptest.NewServer(b.h)
	t.Cleanup(ab.srv.Close)
	if js, err := os.ReadFile("../app/node_modules/axe-core/axe.min.js"); err == nil {
		ab.axe = string(js)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(390, 844),
		chromedp.Flag("lang", "en-US"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	ab.step("start", chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)))
	_, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "notifications"}, Setting: browser.PermissionSettingGranted, Origin: ab.srv.URL})
	ab.step("grant notifications", err)
	ab.ctx = ctx
	return ab
}

// seed loads the demo clinic, gives the patient four more morning doses
// (and one at 06:30 to miss), and expands today from midnight.
func (ab *appBrowser) seed() {
	ctx, db := context.Background(), ab.app.db
	midnight := appMorning.Truncate(24 * time.Hour)
	ab.clock.Set(midnight.Add(time.Minute))
	if _, err := seed.Seed(ctx, db, ab.clock.Now()); err != nil {
		ab.t.Fatal(err)
	}
	var pt store.Patient
	ab.must(db.Where("name = ?", "Olivia Brown").Take(&pt).Error)
	for _, r := range []struct{ med, at string }{{"Amlodipine", "08:00"}, {"Atorvastatin", "08:00"}, {"Metformin", "08:00"}, {"Levothyroxine", "06:30"}} {
		var med store.Medication
		ab.must(db.Where("name = ? AND clinic_id = ?", r.med, pt.ClinicID).Take(&med).Error)
		ab.must(db.Create(&store.Regimen{PatientID: pt.ID, MedicationID: med.ID, DoseQuantity: 1, DoseUnit: "tablet",
			Timing: fmt.Sprintf(`{"timeOfDay":["%s"]}`, r.at), OnTimeWindowMin: 60, GraceMin: 60, StartsAt: midnight,
			CreatedAt: midnight, UpdatedAt: midnight}).Error)
	}
	if _, err := schedule.ExtendHorizons(ctx, db, ab.clock.Now(), schedule.DefaultHorizon); err != nil {
		ab.t.Fatal(err)
	}
	ab.clock.Set(appMorning)
}

func (ab *appBrowser) must(err error) {
	ab.t.Helper()
	if err != nil {
		ab.t.Fatal(err)
	}
}

func (ab *appBrowser) step(what string, err error) {
	ab.t.Helper()
	if err != nil {
		ab.t.Fatalf("browser: %s: %v", what, err)
	}
}

// js evaluates expr in the page.
func js[T any](ab *appBrowser, expr string) T {
	ab.t.Helper()
	ctx, cancel := context.WithTimeout(ab.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	ab.step("evaluate "+expr, err)
	return v
}

// until waits (in real time, for the browser) until expr is true.
func (ab *appBrowser) until(what, expr string) {
	ab.t.Helper()
	deadline := time.Now().Add(30 * time.Second) // generous: CI machines are shared
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(ab.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("Promise.resolve("+expr+").then(v => !!v)", chromedp.EvalAwaitPromise))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	body, _ := chromedp.Run(ab.ctx, chromedp.Evaluate[string]("document.body.innerText"))
	ab.t.Fatalf("browser: waiting for %s (%s); the page says:\n%s", what, expr, body)
}

// click clicks the element matched by a CSS selector.
func (ab *appBrowser) click(sel string) {
	ab.t.Helper()
	var err error
	for range 3 { // a screen re-rendering under the click detaches the node: find it again
		ctx, cancel := context.WithTimeout(ab.ctx, 15*time.Second)
		err = chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel)))
		cancel()
		if err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	ab.step("click "+sel, err)
}

// status is the text of the live region.
func (ab *appBrowser) status() string {
	return js[string](ab, `document.getElementById('status').textContent`)
}

// signIn signs in through the form and waits for the first screen.
func (ab *appBrowser) signIn(email, firstHash string) {
	ab.t.Helper()
	ab.step("open app", chromedp.Do(ab.ctx, chromedp.Navigate(ab.srv.URL+"/app/")))
	ab.until("sign-in form", `document.querySelector('#login')`)
	ab.check("sign-in")
	ab.step("type", chromedp.Do(ab.ctx, chromedp.SendKeys(chromedp.ID("f-email"), email), chromedp.SendKeys(chromedp.ID("f-password"), seed.DemoPassword)))
	ab.click(`#login button[type=submit]`)
	ab.until("first screen", fmt.Sprintf(`location.hash === %q && document.querySelector('main h1') && !document.querySelector('#login')`, firstHash))
}

// check runs axe-core on the current screen (no serious or critical
// violations) and saves a 390 px screenshot when DOSELOOP_SCREENSHOT_DIR is set.
func (ab *appBrowser) check(name string) {
	ab.t.Helper()
	if dir := os.Getenv("DOSELOOP_SCREENSHOT_DIR"); dir != "" {
		shot, err := chromedp.Run(ab.ctx, chromedp.FullScreenshot(100))
		ab.step("screenshot", err)
		ab.must(os.WriteFile(filepath.Join(dir, "app-"+name+".png"), shot, 0o644))
	}
	if ab.axe == "" {
		ab.t.Logf("axe-core: app/node_modules is absent (npm ci in app/): %s not checked", name)
		return
	}
	if !js[bool](ab, `!!window.axe`) {
		js[bool](ab, ab.axe+";true")
	}
	ctx, cancel := context.WithTimeout(ab.ctx, 30*time.Second)
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa','best-practice']}})
	  .then(r => r.passes.length + ' rules passed\n' + r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
	  .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', ')).join('\n'))`,
		chromedp.EvalAwaitPromise))
	ab.step("axe "+name, err)
	passed, violations, _ := strings.Cut(res, "\n")
	if strings.TrimSpace(violations) != "" || strings.HasPrefix(passed, "0 ") {
		ab.t.Errorf("axe-core on %s: %s; serious or critical violations:\n%s", name, passed, violations)
	}
	ab.t.Logf("axe-core on %s: %s, no serious or critical violations", name, passed)
}
