-- +goose Up
-- Postgres only (ingest_plan_holds, the check ending ingest's one-statement
-- batch): SQLite has one writer, so ingest there matches and writes inside
-- one transaction that holds it. Kept so both dialects share the number.
SELECT 1;

-- +goose Down
SELECT 1;
