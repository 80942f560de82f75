// Package web is the physician and clinic-admin dashboard: server-rendered
// html/template pages with inline SVG charts, embedded with go:embed, no
// JavaScript and no CDN, served under a strict Content-Security-Policy.
//
// Sign-in posts email and password to auth.Service.Login and keeps the
// access and refresh tokens in HttpOnly, SameSite=Strict cookies (Secure
// unless turned off for plain-http development); an expired access token is
// refreshed from the refresh cookie. Every form carries a CSRF token: the
// sign-in form a double-submit cookie, every signed-in form an HMAC of the
// session id. Every page view writes an audit row, and a patient the caller
// may not see is a 404 page, exactly like a missing one.
package web
