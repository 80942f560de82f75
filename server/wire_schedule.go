package main

import "context"

// wireSchedule mounts the schedule feature. (Not wired yet.)
func (a *app) wireSchedule(ctx context.Context) error { return nil }
