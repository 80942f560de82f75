package main

import "context"

// wireAdmin mounts the clinic-admin API. (Not wired yet.)
func (a *app) wireAdmin(ctx context.Context) error { return nil }
