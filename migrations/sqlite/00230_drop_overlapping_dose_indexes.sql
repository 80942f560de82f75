-- +goose Up
-- Postgres only (dropping dose_instances_regimen_idx and
-- dose_instances_patient_day_idx): SQLite keeps both, its rollup triggers
-- (00200) look a day's doses up by (patient_id, local_date), and with one
-- writer its per-write index cost is not the bottleneck. Kept so both
-- dialects share the number; the index sets differ on purpose.
SELECT 1;

-- +goose Down
SELECT 1;
