package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// Cookie names. The access cookie is the one auth.Required reads.
const (
	refreshCookie   = "doseloop_refresh"
	loginCSRFCookie = "doseloop_login_csrf"
)

func (h *Handler) setCookie(c *gin.Context, name, value string, maxAge time.Duration) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(maxAge / time.Second),
		HttpOnly: true, Secure: h.SecureCookies, SameSite: http.SameSiteStrictMode})
}

func (h *Handler) setSession(c *gin.Context, tok *auth.Tokens) {
	life := tok.RefreshExpiresAt.Sub(h.now())
	h.setCookie(c, auth.CookieName, tok.AccessToken, life)
	h.setCookie(c, refreshCookie, tok.RefreshToken, life)
	// auth.Required later in this request must see the new access token.
	replaceRequestCookie(c.Request, auth.CookieName, tok.AccessToken)
}

func (h *Handler) clearSession(c *gin.Context) {
	h.setCookie(c, auth.CookieName, "", -time.Second)
	h.setCookie(c, refreshCookie, "", -time.Second)
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

// gate sends visitors without a valid session to the sign-in page, renews an
// expired access token from the refresh cookie, and admits only physicians
// and clinic admins. auth.Required runs after it and sets the principal.
func (h *Handler) gate(c *gin.Context) {
	ctx := c.Request.Context()
	access, _ := c.Cookie(auth.CookieName)
	p, err := h.Auth.Authenticate(ctx, access)
	if err != nil {
		refresh, _ := c.Cookie(refreshCookie)
		tok, rerr := h.Auth.Refresh(ctx, refresh)
		if refresh == "" || rerr != nil {
			h.clearSession(c)
			c.Redirect(http.StatusSeeOther, "/web/login")
			c.Abort()
			return
		}
		h.setSession(c, tok)
		p, _ = h.Auth.Authenticate(ctx, tok.AccessToken)
	}
	if p.Role != store.RoleAdmin && p.Role != store.RolePhysician {
		h.errorPage(c, http.StatusForbidden, "The dashboard is for physicians and clinic admins.")
		return
	}
	c.Next()
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

func (h *Handler) loginPage(c *gin.Context) { h.renderLogin(c, http.StatusOK, "", "") }

func (h *Handler) renderLogin(c *gin.Context, status int, email, msg string) {
	b := make([]byte, 24)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(c.Writer, &http.Cookie{Name: loginCSRFCookie, Value: tok, Path: "/web/login", MaxAge: 3600,
		HttpOnly: true, Secure: h.SecureCookies, SameSite: http.SameSiteStrictMode})
	h.render(c, status, "login", page{Title: "Sign in", CSRF: tok, Data: map[string]string{"Email": email, "Error": msg}})
}

// login checks the double-submit token, signs in and sets the cookies.
func (h *Handler) login(c *gin.Context) {
	cookie, _ := c.Cookie(loginCSRFCookie)
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(c.PostForm("csrf"))) != 1 {
		h.renderLogin(c, http.StatusForbidden, "", "The sign-in form expired; please try again.")
		return
	}
	email := strings.TrimSpace(c.PostForm("email"))
	tok, err := h.Auth.Login(c.Request.Context(), email, c.PostForm("password"), c.Request.UserAgent())
	if err != nil {
		h.renderLogin(c, http.StatusUnauthorized, email, "Email or password is wrong, or the account is locked.")
		return
	}
	if tok.User.Role != store.RoleAdmin && tok.User.Role != store.RolePhysician {
		p, _ := h.Auth.Authenticate(c.Request.Context(), tok.AccessToken)
		h.Auth.Logout(c.Request.Context(), p)
		h.renderLogin(c, http.StatusForbidden, email, "The dashboard is for physicians and clinic admins; please use the DoseLoop app.")
		return
	}
	h.setSession(c, tok)
	c.Redirect(http.StatusSeeOther, "/web/attention")
}

func (h *Handler) logout(c *gin.Context) {
	if err := h.Auth.Logout(c.Request.Context(), auth.PrincipalOf(c)); err != nil {
		h.fail(c, err)
		return
	}
	auth.Audit(c, h.DB, "web.logout", 0, "", 0, auth.OutcomeOK)
	h.clearSession(c)
	c.Redirect(http.StatusSeeOther, "/web/login")
}
