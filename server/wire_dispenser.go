package main

import "context"

// wireDispenser mounts the dispenser feature. (Not wired yet.)
func (a *app) wireDispenser(ctx context.Context) error { return nil }
