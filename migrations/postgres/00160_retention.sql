-- +goose Up
-- The retention job (store/retention) deletes the oldest rows of the tables
-- that grow forever. BRIN indexes over their append-ordered time columns
-- find those rows for a few kilobytes of index, and cost inserts almost
-- nothing (ingest and the outbox write these tables on every request).
CREATE INDEX notifications_created_brin ON notifications USING brin (created_at);
CREATE INDEX audit_log_at_brin ON audit_log USING brin (at);
CREATE INDEX dose_events_received_brin ON dose_events USING brin (received_at);

-- +goose Down
DROP INDEX dose_events_received_brin;
DROP INDEX audit_log_at_brin;
DROP INDEX notifications_created_brin;
