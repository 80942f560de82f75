package notify

import (
	"sort"
	"strconv"
	"strings"
)

// A push row may go to several devices. Its provider_id lists what each
// token already accepted as space-separated "t<tokenID>=<provider id>"
// entries, written at every record (retry, dead or sent). The dedup stage
// reads it back so a retry only sends to the devices that have not got the
// message yet: a row is never sent twice to a device once its delivery has
// been recorded (see doc.go for the unrecorded window).

// parseDelivered reads a push row's provider_id.
func parseDelivered(providerID string) map[int64]string {
	out := map[int64]string{}
	for _, f := range strings.Fields(providerID) {
		k, v, ok := strings.Cut(f, "=")
		if !ok || !strings.HasPrefix(k, "t") {
			continue
		}
		if id, err := strconv.ParseInt(k[1:], 10, 64); err == nil {
			out[id] = v
		}
	}
	return out
}

// formatDelivered writes delivered back in token order.
func formatDelivered(delivered map[int64]string) string {
	ids := make([]int64, 0, len(delivered))
	for id := range delivered {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = "t" + strconv.FormatInt(id, 10) + "=" + delivered[id]
	}
	return strings.Join(parts, " ")
}

// undelivered is the dedup stage: the targets that have not accepted the
// message yet.
func undelivered(targets []Target, delivered map[int64]string) []Target {
	var out []Target
	for _, t := range targets {
		if _, done := delivered[t.TokenID]; !done {
			out = append(out, t)
		}
	}
	return out
}
