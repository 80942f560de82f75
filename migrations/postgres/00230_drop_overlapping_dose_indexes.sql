-- +goose Up
-- Every dose take or miss is a non-HOT update (state is in the pending
-- index's predicate), so each index on dose_instances costs an entry per
-- write. Two of them overlap dose_instances_patient_idx (patient_id,
-- scheduled_at): every query that read them now names the patient and
-- bounds scheduled_at (a local date D lies within [D - 14 h, D + 36 h] UTC
-- in any zone), and store/retention's plan test fails on a sequential scan
-- of any of those shapes. The rollup trigger (00200) already bounds its
-- scheduled_at. Postgres only: SQLite keeps both (its rollup triggers look
-- doses up by (patient_id, local_date)), so the dialects' index sets differ.
DROP INDEX dose_instances_regimen_idx;
DROP INDEX dose_instances_patient_day_idx;

-- +goose Down
CREATE INDEX dose_instances_patient_day_idx ON dose_instances (patient_id, local_date);
CREATE INDEX dose_instances_regimen_idx ON dose_instances (regimen_id, scheduled_at);
