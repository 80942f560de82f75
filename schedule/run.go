package schedule

import (
	"context"
	"time"

	"github.com/robfig/cron/v3"
)

// NightlySpec is when the nightly horizon extension and clean-up run (UTC).
const NightlySpec = "17 3 * * *"

// Run expands every horizon once (so a fresh or restarted cluster has
// doses), then runs Tick every minute and Nightly once a day until ctx ends.
// Time for each job comes from s.Clock, never from cron's own clock, so a
// fake clock drives the same code paths in tests.
func (s *Scheduler) Run(ctx context.Context) error {
	if _, err := ExtendHorizons(ctx, s.DB, s.Clock.Now(), s.Horizon); err != nil {
		s.Log.Error("schedule: initial horizon extension failed", "err", err)
	}
	c := cron.New(cron.WithLocation(time.UTC), cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))
	if _, err := c.AddFunc("* * * * *", func() { _ = s.Tick(ctx, s.Clock.Now()) }); err != nil {
		return err
	}
	if _, err := c.AddFunc(NightlySpec, func() {
		if err := s.Nightly(ctx, s.Clock.Now()); err != nil {
			s.Log.Error("schedule: nightly job failed", "err", err)
		}
	}); err != nil {
		return err
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}
