package dispenser

import (
	"context"
	"log/slog"
	"time"

	"github.com/doseloop/doseloop/auth"
	"github.com/doseloop/doseloop/httpx"
	"github.com/doseloop/doseloop/store"
	"github.com/gin-gonic/gin"
)

// promoteNext completes a key rotation: the next key becomes the current
// key and the old one stops verifying. The guard on next_public_key makes
// two concurrent first requests promote once (and audit once).
func (s *Service) promoteNext(c *gin.Context, d *store.Dispenser) error {
	now := s.Clock.Now()
	res := s.DB.WithContext(c.Request.Context()).Model(&store.Dispenser{}).
		Where("id = ? AND next_public_key = ?", d.ID, d.NextPublicKey).
		Updates(map[string]any{"public_key": d.NextPublicKey, "next_public_key": "", "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	d.PublicKey, d.NextPublicKey = d.NextPublicKey, ""
	if res.RowsAffected == 1 {
		s.auditDevice(c, d, "dispenser.key_rotate.device", now)
	}
	return nil
}

// auditDevice writes an audit row for something the device itself did.
// auth.Audit takes the clinic from the signed-in user, and here there is
// none: the row carries the dispenser's clinic so its admins see it in the
// clinic's audit log, and no actor. auth.Record appends it to that clinic's
// hash chain like every other row.
func (s *Service) auditDevice(c *gin.Context, d *store.Dispenser, action string, now time.Time) {
	auth.Record(c.Request.Context(), s.DB, store.AuditEntry{At: now, ClinicID: &d.ClinicID, Action: action,
		PatientID: d.PatientID, ObjectType: "dispenser", ObjectID: itoa(d.ID), Outcome: auth.OutcomeOK,
		RequestID: httpx.RequestID(c)})
}

// claimTimestamp accepts ts as the device's newest fresh-only request
// (heartbeat) timestamp, or refuses a timestamp not newer than the last
// one: a replayed heartbeat changes nothing.
func (s *Service) claimTimestamp(ctx context.Context, d *store.Dispenser, ts int64) error {
	res := s.DB.WithContext(ctx).Model(&store.Dispenser{}).Where("id = ? AND last_heartbeat_ts < ?", d.ID, ts).
		Update("last_heartbeat_ts", ts)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return authErr("replayed", "a heartbeat must carry a %s newer than the last accepted one", HeaderTimestamp).
			With("last_timestamp", d.LastHeartbeatTs)
	}
	d.LastHeartbeatTs = ts
	return nil
}

// logWeakKey warns about a stored key that no longer passes validation: the
// device cannot authenticate until an admin re-provisions it.
func logWeakKey(ctx context.Context, id int64) {
	slog.WarnContext(ctx, "dispenser has a weak or malformed public key; re-provision it", "dispenser_id", id)
}
