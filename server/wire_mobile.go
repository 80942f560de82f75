package main

import "context"

// wireMobile mounts the mobile feature. (Not wired yet.)
func (a *app) wireMobile(ctx context.Context) error { return nil }
