package main

import (
	"context"

	"github.com/doseloop/doseloop/seed"
)

// startDemoSimulation runs simulated dispensers against this server. (Not built yet.)
func (a *app) startDemoSimulation(ctx context.Context, d *seed.Demo) error { return nil }
