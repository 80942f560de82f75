// Package auth is identity and access: password login with lockout,
// short-lived signed access tokens, revocable refresh tokens stored hashed,
// the middleware that authenticates every request, the per-object
// relationship checks (self, linked caregiver, care-team physician, admin of
// the same clinic) and the audit trail of every access to patient data.
//
// Relationship checks are scoped queries (VisiblePatients), never filters
// applied after loading, so a foreign object is simply not found.
package auth
