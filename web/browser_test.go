package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/doseloop/doseloop/report"
	"github.com/doseloop/doseloop/store/storetest"
)

// chromium finds a Chromium or Chrome binary, or skips the test.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH: skipping the browser test (install it with apt-get install -y chromium)")
	return ""
}

// In a real headless Chromium: sign in as the physician, open the list,
// open the patient, and check the heat-map and figures are there and say
// what the JSON API says. A screenshot lands in the test's temp dir.
func TestBrowserDashboard(t *testing.T) {
	t.Parallel()
	exe := chromium(t)
	b := setup(t, storetest.SQLite(t))
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1600))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()

	row := fmt.Sprintf(`tr[data-patient-id="%d"]`, b.w.Patient.ID)
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("browser: %s: %v", what, err)
		}
	}
	step("sign in", chromedp.Do(ctx,
		chromedp.Navigate(b.srv.URL+"/web/login"),
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), b.w.Physician.Email),
		chromedp.SendKeys(chromedp.ID("password"), password)))
	_, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID("signin")))
	step("submit", err)
	step("list", chromedp.Do(ctx, chromedp.Navigate(b.srv.URL+"/web/patients"), chromedp.WaitVisible(chromedp.ID("patients"))))
	listTaking, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(row+` td[data-figure="taking"]`)))
	step("list figure", err)
	_, err = chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(row+" a")))
	step("open patient", err)
	step("heat-map", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("heatmap"))))
	days, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#heatmap rect.day').length`))
	step("days", err)
	dueDays, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('#heatmap rect.day')].filter(r => r.dataset.due > 0).length`))
	step("due days", err)
	pageTaking, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-figure="taking"] dd').firstChild.textContent.trim()`))
	step("taking", err)
	pagePDC, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-figure="pdc"] dd').firstChild.textContent.trim()`))
	step("pdc", err)
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	step("screenshot", err)
	step("API", chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/v1/patients/%d/adherence?period=30d", b.srv.URL, b.w.Patient.ID))))
	apiJSON, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
	step("API body", err)
	path := filepath.Join(t.TempDir(), "patient.png")
	if err := os.WriteFile(path, shot, 0o644); err != nil || len(shot) < 10000 {
		t.Fatalf("screenshot %s: %d bytes, %v", path, len(shot), err)
	}
	t.Logf("screenshot: %s (%d bytes)", path, len(shot))
	if dir := os.Getenv("DOSELOOP_SCREENSHOT_DIR"); dir != "" { // keep it, e.g. as a CI artifact
		os.WriteFile(filepath.Join(dir, "dashboard-patient.png"), shot, 0o644)
	}
	var api report.PatientReport
	if err := json.Unmarshal([]byte(apiJSON), &api); err != nil {
		t.Fatalf("API answer in the browser: %v: %.200s", err, apiJSON)
	}
	want := func(f *float64) string { return fmt.Sprintf("%.0f%%", *f*100) }
	if api.Overall.TakingAdherence == nil || pageTaking != want(api.Overall.TakingAdherence) || strings.TrimSpace(listTaking) != pageTaking {
		t.Errorf("taking adherence: list %q, page %q, API %v", listTaking, pageTaking, api.Overall.TakingAdherence)
	}
	if pagePDC != want(api.Overall.PDC) {
		t.Errorf("days covered: page %q, API %v", pagePDC, *api.Overall.PDC)
	}
	if dueDays != len(api.Days) || days < 30 || days > 31 {
		t.Errorf("heat-map: %d days, %d with doses; API has %d days", days, dueDays, len(api.Days))
	}
}
