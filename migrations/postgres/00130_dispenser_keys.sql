-- +goose Up
-- Key rotation: the next key verifies beside the current one until the first
-- request signed with it. Heartbeat replay protection: the timestamp of the
-- last accepted heartbeat (unix seconds); a heartbeat must be newer.
ALTER TABLE dispensers ADD COLUMN next_public_key TEXT NOT NULL DEFAULT '';
ALTER TABLE dispensers ADD COLUMN last_heartbeat_ts BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE dispensers DROP COLUMN last_heartbeat_ts;
ALTER TABLE dispensers DROP COLUMN next_public_key;
