package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/doseloop/doseloop/clock"
	"github.com/doseloop/doseloop/seed"
)

// startDemo seeds the demo clinic (once), prints its logins and starts the
// simulated dispenser fleet so the dashboards have live data.
func (a *app) startDemo(ctx context.Context, stdout io.Writer) error {
	d, err := seed.Seed(ctx, a.db, a.clock.Now())
	if err != nil {
		return err
	}
	if err := seed.History(ctx, a.db, a.clock.Now()); err != nil {
		return err
	}
	if err := seed.Attention(ctx, a.db, a.clock.Now()); err != nil {
		return err
	}
	printLogins(stdout, d)
	fmt.Fprintf(stdout, "Dashboard: %s/web/ (sign in as a physician or the admin)\n", a.browserURL())
	printAppLogins(stdout, d, a.browserURL())
	return a.startDemoSimulation(ctx, d)
}

func printLogins(stdout io.Writer, d *seed.Demo) {
	fmt.Fprintf(stdout, "\nDemo clinic ready. Every demo login uses the password %q:\n", seed.DemoPassword)
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	for _, l := range d.Logins {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", l.Role, l.Name, l.Email)
	}
	tw.Flush()
	fmt.Fprintln(stdout)
}

func cmdSeed(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cfg, ok := loadConfigOrExit(getenv, stderr)
	if !ok {
		return 2
	}
	ctx := context.Background()
	a, err := newApp(ctx, cfg, clock.Real{}, stdout)
	if err == nil {
		defer a.close()
		var d *seed.Demo
		if d, err = seed.Seed(ctx, a.db, a.clock.Now()); err == nil {
			if err = seed.History(ctx, a.db, a.clock.Now()); err == nil {
				err = seed.Attention(ctx, a.db, a.clock.Now())
			}
			printLogins(stdout, d)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "doseloop: seed:", err)
		return 1
	}
	return 0
}
