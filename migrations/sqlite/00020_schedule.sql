-- +goose Up
-- The scheduler's optional pre-reminder is claimed once per dose, like reminded_at.
ALTER TABLE dose_instances ADD COLUMN prereminded_at DATETIME;
-- Open outages are looked up by patient on every sweep.
CREATE INDEX dispenser_outages_open_idx ON dispenser_outages (patient_id) WHERE ended_at IS NULL;

-- +goose Down
DROP INDEX dispenser_outages_open_idx;
ALTER TABLE dose_instances DROP COLUMN prereminded_at;
