-- +goose Up
-- The patient list's rollup: one row per patient and local day (the dose's
-- local_date) with the counted doses of that day (report/doc.go "Which
-- doses count", less "pending past its grace", which the list adds from
-- the doses themselves). The list sums these rows instead of every dose.
-- Triggers on dose_instances keep it in the transaction that changes a
-- dose, whoever changes it; report.VerifyRollup compares it with the doses.
CREATE TABLE adherence_days (
    patient_id    BIGINT NOT NULL REFERENCES patients(id),
    local_date    TEXT COLLATE "C" NOT NULL, -- compared as bytes: YYYY-MM-DD sorts so
    due           INTEGER NOT NULL,
    taken         INTEGER NOT NULL,
    on_time       INTEGER NOT NULL,
    missed        INTEGER NOT NULL,
    skipped       INTEGER NOT NULL,
    last_due_at   TIMESTAMPTZ, -- latest scheduled_at of a counted dose ("holiday now")
    last_taken_at TIMESTAMPTZ, -- latest scheduled_at of a counted dose taken
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

-- +goose StatementBegin
CREATE FUNCTION adherence_counted(state TEXT, during_outage BOOLEAN, excluded BOOLEAN) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE AS $$
    SELECT NOT excluded AND (state IN ('taken', 'skipped') OR (state = 'missed' AND NOT during_outage))
$$;
-- +goose StatementEnd

-- A dose row entering (+1) or leaving (-1) the rollup.
CREATE TYPE adherence_dose AS (sign INTEGER, patient_id BIGINT, local_date TEXT, scheduled_at TIMESTAMPTZ,
    state TEXT, on_time BOOLEAN, during_outage BOOLEAN, excluded BOOLEAN, regimen_id BIGINT);

-- adherence_days_apply adds the signed rows to their days. Counts are
-- increments (ON CONFLICT adds to the row as it is when locked), so two
-- transactions changing doses of one day never lose each other's change.
-- A latest-time column only grows by GREATEST; when a row that may have set
-- it leaves, the day's value is recomputed from the doses in a statement
-- of its own, after the row lock is held, so it sees every committed change.
-- +goose StatementBegin
CREATE FUNCTION adherence_days_apply(ds adherence_dose[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    kp BIGINT[];
    kd TEXT[];
    ka TIMESTAMPTZ[];
BEGIN
    IF cardinality(ds) = 0 THEN
        RETURN; -- most updates of a dose (reminders, snoozes) change nothing counted
    END IF;
    WITH c AS (
        SELECT x.sign, x.patient_id, x.local_date, x.scheduled_at AS at, (x.state = 'taken')::int AS tk,
            (x.state = 'taken' AND x.on_time IS TRUE)::int AS ot, (x.state = 'missed')::int AS ms, (x.state = 'skipped')::int AS sk
        FROM unnest(ds) x JOIN regimens r ON r.id = x.regimen_id AND NOT r.as_needed
        WHERE adherence_counted(x.state, x.during_outage, x.excluded)
    ), g AS (
        SELECT patient_id, local_date, SUM(sign) AS due, SUM(sign * tk) AS taken, SUM(sign * ot) AS on_time,
            SUM(sign * ms) AS missed, SUM(sign * sk) AS skipped,
            MAX(at) FILTER (WHERE sign > 0) AS add_due, MAX(at) FILTER (WHERE sign > 0 AND tk = 1) AS add_taken,
            MAX(at) FILTER (WHERE sign < 0) AS rm_due, MAX(at) FILTER (WHERE sign < 0 AND tk = 1) AS rm_taken
        FROM c GROUP BY patient_id, local_date
    ), up AS (
        INSERT INTO adherence_days AS a (patient_id, local_date, due, taken, on_time, missed, skipped, last_due_at, last_taken_at)
        SELECT patient_id, local_date, due, taken, on_time, missed, skipped, add_due, add_taken FROM g
        ON CONFLICT (patient_id, local_date) DO UPDATE SET due = a.due + EXCLUDED.due, taken = a.taken + EXCLUDED.taken,
            on_time = a.on_time + EXCLUDED.on_time, missed = a.missed + EXCLUDED.missed, skipped = a.skipped + EXCLUDED.skipped,
            last_due_at = GREATEST(a.last_due_at, EXCLUDED.last_due_at),
            last_taken_at = GREATEST(a.last_taken_at, EXCLUDED.last_taken_at)
    )
    SELECT array_agg(patient_id), array_agg(local_date), array_agg(COALESCE(rm_due, rm_taken)) INTO kp, kd, ka
    FROM g WHERE rm_due > COALESCE(add_due, '-infinity') OR rm_taken > COALESCE(add_taken, '-infinity');
    IF kp IS NULL THEN
        RETURN;
    END IF;
    -- Every dose of a local date lies within 50 h of any other one of it.
    UPDATE adherence_days a SET last_due_at = m.due_at, last_taken_at = m.taken_at
    FROM unnest(kp, kd, ka) AS k(p, d, at), LATERAL (
        SELECT MAX(x.scheduled_at) AS due_at, MAX(x.scheduled_at) FILTER (WHERE x.state = 'taken') AS taken_at
        FROM dose_instances x JOIN regimens r ON r.id = x.regimen_id AND NOT r.as_needed
        WHERE x.patient_id = k.p AND x.local_date = k.d AND adherence_counted(x.state, x.during_outage, x.excluded)
            AND x.scheduled_at BETWEEN k.at - interval '50 hours' AND k.at + interval '50 hours') m
    WHERE a.patient_id = k.p AND a.local_date = k.d;
END $$;
-- +goose StatementEnd

-- Statement-level triggers see every changed row at once (transition
-- tables), so a sweep of 5,000 doses is one grouped upsert, not 5,000.
-- +goose StatementBegin
CREATE FUNCTION adherence_days_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM adherence_days_apply(ARRAY(SELECT ROW(1, n.patient_id, n.local_date, n.scheduled_at, n.state, n.on_time,
        n.during_outage, n.excluded, n.regimen_id)::adherence_dose FROM new_rows n WHERE n.state IN ('taken', 'missed', 'skipped')));
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION adherence_days_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM adherence_days_apply(ARRAY(SELECT ROW(-1, o.patient_id, o.local_date, o.scheduled_at, o.state, o.on_time,
        o.during_outage, o.excluded, o.regimen_id)::adherence_dose FROM old_rows o WHERE o.state IN ('taken', 'missed', 'skipped')));
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- Only rows whose counted fields changed, on either side of a counted state.
-- +goose StatementBegin
CREATE FUNCTION adherence_days_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
        RETURN NULL; -- an UPDATE that matched no row
    END IF;
    PERFORM adherence_days_apply(ARRAY(
        WITH ch AS (
            SELECT o, n FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.state IN ('taken', 'missed', 'skipped') OR n.state IN ('taken', 'missed', 'skipped'))
                AND (o.state, o.on_time, o.during_outage, o.excluded, o.local_date, o.patient_id, o.scheduled_at)
                    IS DISTINCT FROM (n.state, n.on_time, n.during_outage, n.excluded, n.local_date, n.patient_id, n.scheduled_at)
        )
        SELECT ROW(-1, (o).patient_id, (o).local_date, (o).scheduled_at, (o).state, (o).on_time, (o).during_outage,
            (o).excluded, (o).regimen_id)::adherence_dose FROM ch
        UNION ALL
        SELECT ROW(1, (n).patient_id, (n).local_date, (n).scheduled_at, (n).state, (n).on_time, (n).during_outage,
            (n).excluded, (n).regimen_id)::adherence_dose FROM ch));
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER adherence_days_insert AFTER INSERT ON dose_instances
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION adherence_days_on_insert();
CREATE TRIGGER adherence_days_update AFTER UPDATE ON dose_instances
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION adherence_days_on_update();
CREATE TRIGGER adherence_days_delete AFTER DELETE ON dose_instances
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION adherence_days_on_delete();

-- One view holds the counting rule as a query: a day's counted doses,
-- grouped. The rebuild below and report.VerifyRollup read it.
CREATE VIEW adherence_days_computed AS
SELECT d.patient_id, d.local_date, COUNT(*) AS due,
    SUM(CASE WHEN d.state = 'taken' THEN 1 ELSE 0 END) AS taken,
    SUM(CASE WHEN d.state = 'taken' AND d.on_time THEN 1 ELSE 0 END) AS on_time,
    SUM(CASE WHEN d.state = 'missed' THEN 1 ELSE 0 END) AS missed,
    SUM(CASE WHEN d.state = 'skipped' THEN 1 ELSE 0 END) AS skipped,
    MAX(d.scheduled_at) AS last_due_at, MAX(CASE WHEN d.state = 'taken' THEN d.scheduled_at END) AS last_taken_at
FROM dose_instances d JOIN regimens r ON r.id = d.regimen_id AND NOT r.as_needed
WHERE adherence_counted(d.state, d.during_outage, d.excluded)
GROUP BY d.patient_id, d.local_date;

-- adherence_days_rebuild recomputes patient p's days (every patient's
-- when p is NULL): the backfill below, and what a change of a regimen's
-- as_needed needs (rare: an edit of the prescription), since it decides
-- whether all of that regimen's doses count.
-- +goose StatementBegin
CREATE FUNCTION adherence_days_rebuild(p BIGINT) RETURNS void LANGUAGE sql AS $$
    DELETE FROM adherence_days WHERE p IS NULL OR patient_id = p;
    INSERT INTO adherence_days (patient_id, local_date, due, taken, on_time, missed, skipped, last_due_at, last_taken_at)
    SELECT patient_id, local_date, due, taken, on_time, missed, skipped, last_due_at, last_taken_at
    FROM adherence_days_computed WHERE p IS NULL OR patient_id = p;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION adherence_days_on_as_needed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM adherence_days_rebuild(NEW.patient_id);
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER adherence_days_as_needed AFTER UPDATE OF as_needed ON regimens
    FOR EACH ROW WHEN (OLD.as_needed IS DISTINCT FROM NEW.as_needed) EXECUTE FUNCTION adherence_days_on_as_needed();

SELECT adherence_days_rebuild(NULL);

-- +goose Down
DROP TRIGGER adherence_days_as_needed ON regimens;
DROP TRIGGER adherence_days_insert ON dose_instances;
DROP TRIGGER adherence_days_update ON dose_instances;
DROP TRIGGER adherence_days_delete ON dose_instances;
DROP FUNCTION adherence_days_on_as_needed();
DROP FUNCTION adherence_days_rebuild(BIGINT);
DROP VIEW adherence_days_computed;
DROP FUNCTION adherence_days_on_insert();
DROP FUNCTION adherence_days_on_update();
DROP FUNCTION adherence_days_on_delete();
DROP FUNCTION adherence_days_apply(adherence_dose[]);
DROP TYPE adherence_dose;
DROP FUNCTION adherence_counted(TEXT, BOOLEAN, BOOLEAN);
DROP TABLE adherence_days;
