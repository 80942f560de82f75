-- +goose Up
-- The retention job (store/retention) deletes the oldest rows of the tables
-- that grow forever; these indexes find them (SQLite has no BRIN).
CREATE INDEX notifications_created_brin ON notifications (created_at);
CREATE INDEX audit_log_at_brin ON audit_log (at);
CREATE INDEX dose_events_received_brin ON dose_events (received_at);

-- +goose Down
DROP INDEX dose_events_received_brin;
DROP INDEX audit_log_at_brin;
DROP INDEX notifications_created_brin;
