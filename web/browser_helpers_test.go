package web_test

import (
	"context"
	_ "embed"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/seed"
	"github.com/doseloop/doseloop/store/storetest"
	"github.com/doseloop/doseloop/web"
	"github.com/gin-gonic/gin"
	"gorm.io/gorm"
)

// axe-core 4.14 (MPL-2.0, testdata/axe-LICENSE), injected into each page.
//
//go:embed testdata/axe.min.js
var axeJS string

// demo is a dashboard over the seeded demo clinic, with open alerts.
type demo struct {
	db  *gorm.DB
	clk *clock.Fake
	url string
}

func setupDemo(t *testing.T, db *gorm.DB) *demo {
	t.Helper()
	gin.SetMode(gin.TestMode)
	ctx := context.Background()
	if _, err := seed.Seed(ctx, db, now); err != nil {
		t.Fatal(err)
	}
	if err := seed.History(ctx, db, now); err != nil {
		t.Fatal(err)
	}
	if err := seed.Attention(ctx, db, now); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(now)
	authn := auth.NewService(db, clk, []byte("0123456789abcdef0123456789abcdef"))
	r := gin.New()
	r.Use(httpx.Recover(), httpx.Errors())
	authn.Register(r)
	(&report.API{DB: db, Clock: clk}).Register(r, authn.Required())
	web.New(db, clk, authn, false).Register(r)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &demo{db: db, clk: clk, url: srv.URL}
}

// browser opens a headless Chromium tab width px wide, or skips.
func browser(t *testing.T, width int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelT := context.WithTimeout(ctx, 10*time.Minute) // a loaded CI machine is slow
	t.Cleanup(func() { cancelT(); cancel(); cancelAlloc() })
	// A headless window is at least 500 px wide; a phone is emulated.
	run(t, ctx, "viewport", chromedp.EmulateViewport(int64(width), 900))
	return ctx
}

// run fails the test with what when a browser step fails.
func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
}

// eval evaluates a script in the page and returns its JSON-decoded result.
func eval[T any](t *testing.T, ctx context.Context, script string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browser: evaluate %.60s: %v", script, err)
	}
	return v
}

// signIn signs in through the form as email (demo password).
func signIn(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	run(t, ctx, "sign in as "+email, chromedp.Navigate(base+"/web/login"), chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), email), chromedp.SendKeys(chromedp.CSS(`#password`), seed.DemoPassword))
	click(t, ctx, `#signin`)
}

// click clicks the element and waits for the page it leads to.
func click(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("browser: click %s: %v", sel, err)
	}
}

// open navigates to path and waits for the page's main element.
func open(t *testing.T, ctx context.Context, base, path string) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Navigate(base+path)); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	run(t, ctx, "wait for "+path, chromedp.WaitReady(chromedp.CSS(`main`)))
}

const axeSerious = `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.
	filter(v => v.impact === 'serious' || v.impact === 'critical').
	map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))`

// checkPage asserts the page fits the viewport and axe-core finds no serious
// or critical violation, and saves a screenshot when DOSELOOP_SCREENSHOT_DIR is set.
func checkPage(t *testing.T, ctx context.Context, name string, width int) {
	t.Helper()
	scroll, inner := eval[int](t, ctx, `document.documentElement.scrollWidth`), eval[int](t, ctx, `window.innerWidth`)
	if scroll > inner {
		t.Errorf("%s at %d px: page is %d px wide, viewport %d", name, width, scroll, inner)
	}
	eval[bool](t, ctx, axeJS+";true")
	if v := eval[[]string](t, ctx, axeSerious); len(v) > 0 {
		t.Errorf("%s at %d px: axe-core: %s", name, width, strings.Join(v, "; "))
	}
	if dir := os.Getenv("DOSELOOP_SCREENSHOT_DIR"); dir != "" {
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		file := fmt.Sprintf("%s-%d.png", strings.NewReplacer("/", "-", " ", "-").Replace(name), width)
		if err := os.WriteFile(filepath.Join(dir, file), shot, 0o644); err != nil {
			t.Error(err)
		}
	}
}

// eachWidth runs fn in parallel at each of the two widths, over a fresh
// seeded demo and a browser tab of that width.
func eachWidth(t *testing.T, fn func(t *testing.T, d *demo, ctx context.Context, width int)) {
	for _, width := range widths {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			t.Parallel()
			d := setupDemo(t, storetest.SQLite(t))
			fn(t, d, browser(t, width), width)
		})
	}
}
