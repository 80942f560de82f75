package web_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/doseloop/doseloop/store"
	"github.com/doseloop/doseloop/store/storetest"
	"gorm.io/gorm"
)

var oneTimePassword = regexp.MustCompile(`id="one-time-password">([^<]+)<`)

// signInWith posts the sign-in form with a password and says where it landed.
func (c *client) signInWith(email, pw string) string {
	tok := c.csrf("/web/login")
	res, _ := c.post("/web/login", url.Values{"csrf": {tok}, "email": {email}, "password": {pw}})
	return res.Request.URL.Path
}

// A clinic admin adds a user (every mistake shown at once first), the new
// user signs in with the one-time password, a reset replaces it, and a
// dispenser is provisioned and, once confirmed, revoked.
func TestAdminActions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		c := b.client(t)
		c.login(b.w.Admin.Email)
		tok := c.csrf("/web/admin/users")
		res, body := c.post("/web/admin/users", url.Values{"csrf": {tok}, "email": {"nope"}, "name": {" "}, "role": {"wizard"}})
		mustContain(t, "refused user", body, `id="email-error"`, `id="name-error"`, `id="role-error"`, `value="nope"`)
		if res.StatusCode != 400 || count(db, &store.User{}) != 4 {
			t.Fatalf("bad user form: %d, %d users", res.StatusCode, count(db, &store.User{}))
		}
		res, body = c.post("/web/admin/users", url.Values{"csrf": {tok}, "email": {"new.doc@example.org"}, "name": {"Dr. New"}, "role": {"physician"}})
		m := oneTimePassword.FindStringSubmatch(body)
		if res.StatusCode != 200 || m == nil {
			t.Fatalf("create user: %d, one-time password shown: %v", res.StatusCode, m != nil)
		}
		if at := b.client(t).signInWith("new.doc@example.org", m[1]); at != "/web/password" {
			t.Errorf("new user signed in to %s, want the page to choose a password", at)
		}
		var u store.User
		db.Where("email = ?", "new.doc@example.org").Take(&u)
		_, body = c.post("/web/admin/users/"+itoa(u.ID)+"/reset-password", url.Values{"csrf": {tok}})
		m2 := oneTimePassword.FindStringSubmatch(body)
		if m2 == nil || m2[1] == m[1] {
			t.Fatal("reset password shows no new password")
		}
		if at := b.client(t).signInWith("new.doc@example.org", m[1]); at != "/web/login" {
			t.Errorf("the old password still signs in (%s)", at)
		}
		if at := b.client(t).signInWith("new.doc@example.org", m2[1]); at != "/web/password" {
			t.Errorf("the new password does not sign in (%s)", at)
		}
		pub, _, _ := ed25519.GenerateKey(nil)
		key := base64.StdEncoding.EncodeToString(pub)
		res, body = c.post("/web/admin/dispensers", url.Values{"csrf": {tok}, "serial": {"x"}, "public_key": {"abc"}})
		if res.StatusCode != 400 || !strings.Contains(body, `id="serial-error"`) || !strings.Contains(body, `id="public_key-error"`) {
			t.Errorf("bad provisioning: %d", res.StatusCode)
		}
		form := url.Values{"csrf": {tok}, "serial": {"DL-TEST-9"}, "public_key": {key}, "patient_id": {itoa(b.w.Patient.ID)}}
		if res, _ := c.post("/web/admin/dispensers", form); res.StatusCode != 200 {
			t.Fatalf("provision: %d", res.StatusCode)
		}
		var d store.Dispenser
		if err := db.Where("serial = ?", "DL-TEST-9").Take(&d).Error; err != nil || d.PatientID == nil || *d.PatientID != b.w.Patient.ID {
			t.Fatalf("provisioned dispenser %+v: %v", d, err)
		}
		next, _, _ := ed25519.GenerateKey(nil)
		nextKey := base64.StdEncoding.EncodeToString(next)
		c.post("/web/admin/dispensers/DL-TEST-9/rotate", url.Values{"csrf": {tok}, "public_key": {nextKey}})
		if db.Take(&d, d.ID); d.NextPublicKey != nextKey || d.PublicKey != key {
			t.Errorf("rotation: current %q next %q, want the old key current and the new one staged", d.PublicKey, d.NextPublicKey)
		}
		if res, _ := c.post("/web/admin/dispensers", url.Values{"csrf": {tok}, "serial": {"DL-TEST-10"}, "public_key": {nextKey}}); res.StatusCode != 400 {
			t.Errorf("a second dispenser with the same key: %d, want 400", res.StatusCode)
		}
		if _, body := c.post("/web/admin/dispensers/DL-TEST-9/revoke", url.Values{"csrf": {tok}}); !strings.Contains(body, `id="revoke-confirm"`) {
			t.Error("revoke did not ask first")
		}
		if db.Take(&d, d.ID); d.RevokedAt != nil {
			t.Fatal("revoked without confirmation")
		}
		c.post("/web/admin/dispensers/DL-TEST-9/revoke", url.Values{"csrf": {tok}, "confirm": {"yes"}})
		if db.Take(&d, d.ID); d.RevokedAt == nil {
			t.Error("not revoked after confirmation")
		}
		c.post("/web/admin/mfa", url.Values{"csrf": {tok}, "require_mfa": {"on"}})
		var cl store.Clinic
		if db.Take(&cl, b.w.Clinic.ID); !cl.RequireMFA {
			t.Error("requiring two-step sign-in did not stick")
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var auditRowID = regexp.MustCompile(`data-audit-id="(\d+)"`)
var olderLink = regexp.MustCompile(`href="/web/admin/audit\?([^"]+)" id="older"`)

// The audit log pages 50 rows at a time, newest first, without repeating
// or skipping a row across pages.
func TestAuditPagination(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		clinic, actor := b.w.Clinic.ID, b.w.Physician.ID
		for i := 0; i < 70; i++ {
			db.Create(&store.AuditEntry{At: now.Add(-time.Duration(i) * time.Minute), ActorID: &actor, ClinicID: &clinic, Action: "test.row", Outcome: "ok"})
		}
		c := b.client(t)
		c.login(b.w.Admin.Email)
		seen := map[string]bool{}
		path, pages := "/web/admin/audit?person=paula", 0
		for path != "" && pages < 5 {
			_, body := c.get(path)
			ids := auditRowID.FindAllStringSubmatch(body, -1)
			if pages == 0 && len(ids) != 50 {
				t.Errorf("first page has %d rows, want 50", len(ids))
			}
			for _, m := range ids {
				if seen[m[1]] {
					t.Errorf("row %s on two pages", m[1])
				}
				seen[m[1]] = true
			}
			path, pages = "", pages+1
			if m := olderLink.FindStringSubmatch(body); m != nil {
				path = "/web/admin/audit?" + strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		if len(seen) != 70 || pages != 2 {
			t.Errorf("%d rows over %d pages, want 70 over 2", len(seen), pages)
		}
	})
}

// A clinic admin adds a patient (mistakes shown by field first), moves
// them to another zone, puts a physician on the care team, links a
// caregiver and adds a medication; another clinic's physician is refused.
func TestAdminPatientActions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		b := setup(t, db)
		other := storetest.NewWorld(t, db, "elsewhere", now)
		c := b.client(t)
		c.login(b.w.Admin.Email)
		tok := c.csrf("/web/admin/patients")
		res, body := c.post("/web/admin/patients", url.Values{"csrf": {tok}, "name": {""}, "time_zone": {"Mars/Base"}, "birth_date": {"31/12/1950"}})
		if res.StatusCode != 400 {
			t.Fatalf("bad patient: %d", res.StatusCode)
		}
		mustContain(t, "refused patient", body, `id="name-error"`, `id="time_zone-error"`, `id="birth_date-error"`, `value="Mars/Base"`)
		if res, _ := c.post("/web/admin/patients", url.Values{"csrf": {tok}, "name": {"Nora New"}, "time_zone": {"Europe/Madrid"}, "travel_policy": {"home"}}); res.StatusCode != 200 {
			t.Fatalf("add patient: %d", res.StatusCode)
		}
		var pt store.Patient
		if err := db.Where("name = ? AND clinic_id = ?", "Nora New", b.w.Clinic.ID).Take(&pt).Error; err != nil {
			t.Fatal(err)
		}
		base := "/web/admin/patients/" + itoa(pt.ID)
		c.post(base+"/relocate", url.Values{"csrf": {tok}, "time_zone": {"America/Chicago"}, "travel_policy": {"local"}})
		c.post(base+"/add-physician", url.Values{"csrf": {tok}, "user_id": {itoa(b.w.Physician.ID)}})
		c.post(base+"/link-caregiver", url.Values{"csrf": {tok}, "user_id": {itoa(b.w.Caregiver.ID)}})
		if res, _ := c.post(base+"/add-physician", url.Values{"csrf": {tok}, "user_id": {itoa(other.Physician.ID)}}); res.StatusCode != 400 {
			t.Errorf("another clinic's physician: %d, want 400", res.StatusCode)
		}
		db.Take(&pt, pt.ID)
		var team, links int64
		db.Model(&store.CareTeamMember{}).Where("patient_id = ?", pt.ID).Count(&team)
		db.Model(&store.CareLink{}).Where("patient_id = ? AND state = 'active'", pt.ID).Count(&links)
		if pt.TimeZone != "America/Chicago" || pt.TravelPolicy != "local" || team != 1 || links != 1 {
			t.Errorf("patient %s/%s, care team %d, caregivers %d", pt.TimeZone, pt.TravelPolicy, team, links)
		}
		if res, _ := c.post("/web/admin/medications", url.Values{"csrf": {tok}, "name": {"Apixaban"}, "strength": {"5 mg"}}); res.StatusCode != 200 {
			t.Errorf("add medication: %d", res.StatusCode)
		}
		if res, body := c.post("/web/admin/medications", url.Values{"csrf": {tok}, "name": {" "}}); res.StatusCode != 400 || !strings.Contains(body, `id="name-error"`) {
			t.Errorf("medication without a name: %d", res.StatusCode)
		}
	})
}
