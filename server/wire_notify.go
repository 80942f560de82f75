package main

import "context"

// wireNotify mounts the notify feature. (Not wired yet.)
func (a *app) wireNotify(ctx context.Context) error { return nil }
