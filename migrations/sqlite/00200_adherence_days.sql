-- +goose Up
-- The patient list's rollup (see the Postgres migration of the same number
-- for what it holds). SQLite has one writer, so each trigger simply
-- recomputes the days a changed dose left and entered from their doses.
CREATE TABLE adherence_days (
    patient_id    BIGINT NOT NULL REFERENCES patients(id),
    local_date    TEXT NOT NULL,
    due           INTEGER NOT NULL,
    taken         INTEGER NOT NULL,
    on_time       INTEGER NOT NULL,
    missed        INTEGER NOT NULL,
    skipped       INTEGER NOT NULL,
    last_due_at   DATETIME,
    last_taken_at DATETIME,
    -- What the list sums, packed: summing 600,000 day rows (10,000 patients,
    -- two 30-day windows) is the list's whole cost, and two sums instead of
    -- seven halve it. 16 bits a field: a 90-day window would overflow at 728
    -- counted doses a day (missed, on top, at 364). counts_a = due | taken<<16
    -- | on_time<<32 | missed<<48; counts_b = skipped | (a day with doses
    -- counted)<<16 | (a day covered: all of them taken)<<32. report/list_sql.go
    -- unpacks them.
    counts_a      BIGINT GENERATED ALWAYS AS (CAST(due AS BIGINT) | (CAST(taken AS BIGINT) << 16)
        | (CAST(on_time AS BIGINT) << 32) | (CAST(missed AS BIGINT) << 48)) STORED,
    counts_b      BIGINT GENERATED ALWAYS AS (CAST(skipped AS BIGINT)
        | (CAST(CASE WHEN due > 0 THEN 1 ELSE 0 END AS BIGINT) << 16)
        | (CAST(CASE WHEN due > 0 AND taken = due THEN 1 ELSE 0 END AS BIGINT) << 32)) STORED,
    PRIMARY KEY (patient_id, local_date)
);

-- One view holds the counting rule: a day's counted doses, grouped.
CREATE VIEW adherence_days_computed AS
SELECT d.patient_id, d.local_date, COUNT(*) AS due,
    SUM(CASE WHEN d.state = 'taken' THEN 1 ELSE 0 END) AS taken,
    SUM(CASE WHEN d.state = 'taken' AND d.on_time THEN 1 ELSE 0 END) AS on_time,
    SUM(CASE WHEN d.state = 'missed' THEN 1 ELSE 0 END) AS missed,
    SUM(CASE WHEN d.state = 'skipped' THEN 1 ELSE 0 END) AS skipped,
    MAX(d.scheduled_at) AS last_due_at, MAX(CASE WHEN d.state = 'taken' THEN d.scheduled_at END) AS last_taken_at
FROM dose_instances d JOIN regimens r ON r.id = d.regimen_id AND NOT r.as_needed
WHERE NOT d.excluded AND (d.state IN ('taken', 'skipped') OR (d.state = 'missed' AND NOT d.during_outage))
GROUP BY d.patient_id, d.local_date;

-- +goose StatementBegin
CREATE TRIGGER adherence_days_insert AFTER INSERT ON dose_instances
WHEN NEW.state IN ('taken', 'missed', 'skipped')
BEGIN
    DELETE FROM adherence_days WHERE patient_id = NEW.patient_id AND local_date = NEW.local_date;
    INSERT INTO adherence_days (patient_id, local_date, due, taken, on_time, missed, skipped, last_due_at, last_taken_at)
    SELECT * FROM adherence_days_computed WHERE patient_id = NEW.patient_id AND local_date = NEW.local_date;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER adherence_days_update AFTER UPDATE OF state, on_time, during_outage, excluded, local_date, patient_id, scheduled_at
ON dose_instances
WHEN (OLD.state IN ('taken', 'missed', 'skipped') OR NEW.state IN ('taken', 'missed', 'skipped'))
    AND (OLD.state IS NOT NEW.state OR OLD.on_time IS NOT NEW.on_time OR OLD.during_outage IS NOT NEW.during_outage
        OR OLD.excluded IS NOT NEW.excluded OR OLD.local_date IS NOT NEW.local_date OR OLD.patient_id IS NOT NEW.patient_id
        OR OLD.scheduled_at IS NOT NEW.scheduled_at)
BEGIN
    DELETE FROM adherence_days WHERE (patient_id = OLD.patient_id AND local_date = OLD.local_date)
        OR (patient_id = NEW.patient_id AND local_date = NEW.local_date);
    INSERT INTO adherence_days (patient_id, local_date, due, taken, on_time, missed, skipped, last_due_at, last_taken_at)
    SELECT * FROM adherence_days_computed
    WHERE (patient_id = OLD.patient_id AND local_date = OLD.local_date) OR (patient_id = NEW.patient_id AND local_date = NEW.local_date);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER adherence_days_delete AFTER DELETE ON dose_instances
WHEN OLD.state IN ('taken', 'missed', 'skipped')
BEGIN
    DELETE FROM adherence_days WHERE patient_id = OLD.patient_id AND local_date = OLD.local_date;
    INSERT INTO adherence_days (patient_id, local_date, due, taken, on_time, missed, skipped, last_due_at, last_taken_at)
    SELECT * FROM adherence_days_computed WHERE patient_id = OLD.patient_id AND local_date = OLD.local_date;
END;
-- +goose StatementEnd

-- Whether a regimen is as-needed decides whether all its doses count.
-- +goose StatementBegin
CREATE TRIGGER adherence_days_as_needed AFTER UPDATE OF as_needed ON regimens
WHEN OLD.as_needed IS NOT NEW.as_needed
BEGIN
    DELETE FROM adherence_days WHERE patient_id = NEW.patient_id;
    INSERT INTO adherence_days (patient_id, local_date, due, taken, on_time, missed, skipped, last_due_at, last_taken_at)
    SELECT * FROM adherence_days_computed WHERE patient_id = NEW.patient_id;
END;
-- +goose StatementEnd

INSERT INTO adherence_days (patient_id, local_date, due, taken, on_time, missed, skipped, last_due_at, last_taken_at)
    SELECT * FROM adherence_days_computed;

-- +goose Down
DROP TRIGGER adherence_days_as_needed;
DROP TRIGGER adherence_days_insert;
DROP TRIGGER adherence_days_update;
DROP TRIGGER adherence_days_delete;
DROP VIEW adherence_days_computed;
DROP TABLE adherence_days;
