package main

import "context"

// wireReport mounts the report feature. (Not wired yet.)
func (a *app) wireReport(ctx context.Context) error { return nil }
