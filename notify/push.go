package notify

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/doseloop/doseloop/store"
)

// sendPush sends m to every enabled token of the recipient that has not
// accepted it yet (the dedup stage), in parallel. The row is sent when
// every device accepted it or failed for good; a retryable failure on any
// device retries the row for the devices still missing.
func (d *Dispatcher) sendPush(ctx context.Context, row store.Notification, m *Message, targets []Target) outcome {
	delivered := parseDelivered(row.ProviderID)
	todo := undelivered(targets, delivered)
	if len(delivered) == 0 && len(todo) == 0 {
		return dead(ReasonNoPushToken)
	}
	type result struct {
		t         Target
		pid       string
		retryable bool
		after     time.Duration
		err       error
	}
	results := make([]result, len(todo))
	var wg sync.WaitGroup
	for i, t := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mm := *m
			mm.Target = &t
			sctx, cancel := context.WithTimeout(ctx, d.SendTimeout)
			defer cancel()
			pid, retryable, after, err := d.Push.Notify(sctx, &mm)
			results[i] = result{t, pid, retryable, after, err}
		}()
	}
	wg.Wait()
	var retryErr, deadErr string
	var retryAfter time.Duration
	badTokens, providerDown := 0, false
	for _, r := range results {
		switch {
		case r.err == nil:
			delivered[r.t.TokenID] = r.pid
			d.pushDown.reset()
		case isBadToken(r.err):
			badTokens++
			d.disableToken(ctx, r.t.TokenID, r.err.Error())
		case r.retryable:
			providerDown = providerDown || errors.Is(r.err, ErrProviderDown)
			retryErr = r.err.Error()
			retryAfter = max(retryAfter, r.after)
		default:
			deadErr = r.err.Error()
		}
	}
	pids := formatDelivered(delivered)
	switch {
	case providerDown:
		return d.waitOut(row, d.pushDown.trip(d.Clock.Now(), retryAfter), retryErr, pids)
	case retryErr != "" && d.fallsBack(row, d.Clock.Now()):
		return outcome{state: outcomeFallback, reason: ReasonFellBack, providerID: pids}
	case retryErr != "":
		return d.retry(row, retryErr, retryAfter, pids)
	case len(delivered) > 0:
		return outcome{state: outcomeSent, providerID: pids, reason: deadErr}
	case deadErr != "":
		return outcome{state: outcomeDead, reason: deadErr, providerID: pids}
	case badTokens > 0:
		return dead(ReasonUnregistered)
	}
	return dead(ReasonNoPushToken)
}

// disableToken marks a token the provider rejected; later rows skip it.
func (d *Dispatcher) disableToken(ctx context.Context, id int64, reason string) {
	t := Tokens{DB: d.DB, Clock: d.Clock}
	if err := t.Disable(context.WithoutCancel(ctx), id, reason); err != nil {
		d.Logger.Error("notify: disable push token", "token_id", id, "err", err)
	}
}
