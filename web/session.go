package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/doseloop/doseloop/apperr"
	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// Cookie names. The access cookie is the one auth.Page reads.
const (
	refreshCookie   = "doseloop_refresh"
	loginCSRFCookie = "doseloop_login_csrf"
)

// secure reports whether cookies get the Secure flag: always when forced
// (DOSELOOP_SECURE_COOKIES=on), else when the request came over HTTPS.
func (h *Handler) secure(c *gin.Context) bool { return h.SecureCookies || httpx.IsHTTPS(c) }

func (h *Handler) setCookie(c *gin.Context, name, value, path string, maxAge time.Duration) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: path, MaxAge: int(maxAge / time.Second),
		HttpOnly: true, Secure: h.secure(c), SameSite: http.SameSiteStrictMode})
}

// setSession stores the tokens in cookies that live no longer than the
// session itself (its absolute lifetime).
func (h *Handler) setSession(c *gin.Context, tok *auth.Tokens) {
	life := tok.RefreshExpiresAt.Sub(h.now())
	h.setCookie(c, auth.CookieName, tok.AccessToken, "/", life)
	h.setCookie(c, refreshCookie, tok.RefreshToken, "/web", life)
	// auth.Page later in this request must see the new access token.
	replaceRequestCookie(c.Request, auth.CookieName, tok.AccessToken)
}

func (h *Handler) clearSession(c *gin.Context) {
	h.setCookie(c, auth.CookieName, "", "/", -time.Second)
	h.setCookie(c, refreshCookie, "", "/web", -time.Second)
}

func replaceRequestCookie(r *http.Request, name, value string) {
	cookies := r.Cookies()
	r.Header.Del("Cookie")
	for _, ck := range cookies {
		if ck.Name != name {
			r.AddCookie(ck)
		}
	}
	r.AddCookie(&http.Cookie{Name: name, Value: value})
}

// gate sends visitors without a live session to the sign-in page (saying
// why: idle timeout or session ended), renews an expired access token from
// the refresh cookie, sends a user who must change a password or enrol in
// MFA to that page, and admits only physicians and clinic admins.
// auth.Page runs after it and sets the principal.
func (h *Handler) gate(c *gin.Context) {
	ctx := c.Request.Context()
	access, _ := c.Cookie(auth.CookieName)
	p, err := h.Auth.Authenticate(ctx, access)
	if err != nil && reasonOf(err) != "session_idle" {
		refresh, _ := c.Cookie(refreshCookie)
		var tok *auth.Tokens
		if tok, err = h.Auth.RefreshFrom(ctx, refresh, auth.ClientOf(c)); err == nil {
			h.setSession(c, tok)
			p, err = h.Auth.Authenticate(ctx, tok.AccessToken)
		}
	}
	if err != nil {
		h.clearSession(c)
		why := "signin"
		if access != "" {
			why = map[bool]string{true: "idle", false: "ended"}[reasonOf(err) == "session_idle"]
		}
		c.Redirect(http.StatusSeeOther, "/web/login?why="+why)
		c.Abort()
		return
	}
	if p.Role != store.RoleAdmin && p.Role != store.RolePhysician {
		h.errorPage(c, http.StatusForbidden, "The dashboard is for physicians and clinic admins.")
		return
	}
	if dest := requiredPage(p.Required); dest != "" && !strings.HasPrefix(c.Request.URL.Path, dest) && c.Request.URL.Path != "/web/logout" {
		c.Redirect(http.StatusSeeOther, dest)
		c.Abort()
		return
	}
	c.Next()
}

func requiredPage(req string) string {
	switch req {
	case auth.RequiredPasswordChange:
		return "/web/password"
	case auth.RequiredMFAEnrolment:
		return "/web/mfa"
	}
	return ""
}

func reasonOf(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// csrfToken binds a form to the session: HMAC(key, session id).
func (h *Handler) csrfToken(sessionID string) string {
	mac := hmac.New(sha256.New, h.csrfKey)
	mac.Write([]byte("session:" + sessionID))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// csrfCheck refuses any signed-in POST whose form token is not the session's.
func (h *Handler) csrfCheck(c *gin.Context) {
	c.Set(webPrincipalKey, auth.PrincipalOf(c))
	if c.Request.Method == http.MethodPost {
		want := h.csrfToken(auth.PrincipalOf(c).SessionID)
		if subtle.ConstantTimeCompare([]byte(c.PostForm("csrf")), []byte(want)) != 1 {
			auth.Audit(c, h.DB, "web.csrf", 0, "", 0, auth.OutcomeRefused)
			h.errorPage(c, http.StatusForbidden, "This form has expired. Go back, reload the page and try again.")
			return
		}
	}
	c.Next()
}

// signedOutWhy explains on the sign-in page why the user is there.
var signedOutWhy = map[string]string{
	"idle":  "You were signed out after a period without activity. Please sign in again.",
	"ended": "Your session ended (it reached its time limit, or you were signed out elsewhere). Please sign in again.",
}

func (h *Handler) loginPage(c *gin.Context) {
	h.renderLogin(c, http.StatusOK, "", signedOutWhy[c.Query("why")], false)
}

func (h *Handler) renderLogin(c *gin.Context, status int, email, msg string, askCode bool) {
	b := make([]byte, 24)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	h.setCookie(c, loginCSRFCookie, tok, "/web/login", time.Hour)
	h.render(c, status, "login", page{Title: "Sign in", CSRF: tok,
		Data: map[string]any{"Email": email, "Error": msg, "AskCode": askCode}})
}

// login checks the double-submit token, signs in and sets the cookies. A
// failure says plainly why (wrong email or password, throttled and for how
// long, disabled, two-step code needed or wrong).
func (h *Handler) login(c *gin.Context) {
	cookie, _ := c.Cookie(loginCSRFCookie)
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(c.PostForm("csrf"))) != 1 {
		h.renderLogin(c, http.StatusForbidden, "", "The sign-in form expired; please try again.", false)
		return
	}
	email := strings.TrimSpace(c.PostForm("email"))
	tok, err := h.Auth.SignIn(c.Request.Context(), auth.Attempt{Email: email, Password: c.PostForm("password"),
		Code: c.PostForm("code"), Client: auth.ClientOf(c), Web: true})
	if err != nil {
		h.loginFailed(c, email, err)
		return
	}
	if tok.User.Role != store.RoleAdmin && tok.User.Role != store.RolePhysician {
		p, _ := h.Auth.Authenticate(c.Request.Context(), tok.AccessToken)
		h.Auth.Logout(c.Request.Context(), p)
		h.renderLogin(c, http.StatusForbidden, email, "The dashboard is for physicians and clinic admins; please use the DoseLoop app.", false)
		return
	}
	h.setSession(c, tok)
	dest := requiredPage(tok.Required)
	if dest == "" {
		dest = "/web/attention"
	}
	c.Redirect(http.StatusSeeOther, dest)
}

func (h *Handler) loginFailed(c *gin.Context, email string, err error) {
	var e *apperr.Error
	if !errors.As(err, &e) {
		h.fail(c, err)
		return
	}
	msg := "Email or password is wrong."
	switch e.Reason {
	case "throttled":
		c.Header("Retry-After", fmt.Sprint(e.Extra["retry_after"]))
		msg = fmt.Sprintf("Too many failed sign-ins. Wait %v seconds, then try again; a clinic admin can also unlock the account.", e.Extra["retry_after"])
	case "disabled":
		msg = "This account is disabled. Ask your clinic admin."
	case "mfa_required":
		msg = "This account uses two-step sign-in. Enter your password again with the 6-digit code from your authenticator app (or a recovery code)."
	case "mfa_invalid":
		msg = "The two-step code is wrong or has expired. Enter your password and a current code."
	}
	h.renderLogin(c, httpx.Status(e.Code), email, msg, e.Reason == "mfa_required" || e.Reason == "mfa_invalid")
}

func (h *Handler) logout(c *gin.Context) {
	p := auth.PrincipalOf(c)
	end, action := h.Auth.Logout, "web.logout"
	if c.PostForm("everywhere") == "1" {
		end, action = h.Auth.LogoutAll, "web.logout_all"
	}
	if err := end(c.Request.Context(), p); err != nil {
		h.fail(c, err)
		return
	}
	auth.Audit(c, h.DB, action, 0, "", 0, auth.OutcomeOK)
	h.clearSession(c)
	c.Redirect(http.StatusSeeOther, "/web/login")
}
