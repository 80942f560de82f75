package main

import (
	"context"

	"github.com/doseloop/doseloop/admin"
	"golang.org/x/crypto/bcrypt"
)

// wireAdmin mounts the clinic-admin API.
func (a *app) wireAdmin(ctx context.Context) error {
	h := &admin.Handler{DB: a.db, Clock: a.clock, Auth: a.auth, PasswordCost: bcrypt.DefaultCost}
	a.routes = append(a.routes, h.Register)
	return nil
}
