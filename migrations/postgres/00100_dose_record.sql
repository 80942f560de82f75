-- +goose Up
-- Record integrity (issue 10): immutable regimen versions, dose identity
-- (version, nominal local date, slot), an append-only dose history, and
-- absences that exclude doses. Existing rows are kept: every regimen gets
-- version 1 from its current fields, every dose points at it, and every dose
-- gets one history row stating the state it had when this migration ran.
CREATE TABLE regimen_versions (
    id                 BIGSERIAL PRIMARY KEY,
    regimen_id         BIGINT NOT NULL REFERENCES regimens(id),
    version            INTEGER NOT NULL,
    medication_id      BIGINT NOT NULL REFERENCES medications(id),
    dose_quantity      DOUBLE PRECISION NOT NULL,
    dose_unit          TEXT NOT NULL,
    timing             TEXT NOT NULL,
    as_needed          BOOLEAN NOT NULL,
    on_time_window_min INTEGER NOT NULL,
    grace_min          INTEGER NOT NULL,
    late_limit_min     INTEGER NOT NULL DEFAULT 1440,
    critical           BOOLEAN NOT NULL,
    starts_at          TIMESTAMPTZ NOT NULL,
    ends_at            TIMESTAMPTZ,
    effective_from     TIMESTAMPTZ NOT NULL,
    created_by         BIGINT REFERENCES users(id),
    created_at         TIMESTAMPTZ NOT NULL,
    UNIQUE (regimen_id, version)
);
ALTER TABLE regimens ADD COLUMN late_limit_min INTEGER NOT NULL DEFAULT 1440;
ALTER TABLE regimens ADD COLUMN current_version_id BIGINT REFERENCES regimen_versions(id);
INSERT INTO regimen_versions (regimen_id, version, medication_id, dose_quantity, dose_unit, timing, as_needed,
    on_time_window_min, grace_min, late_limit_min, critical, starts_at, ends_at, effective_from, created_by, created_at)
SELECT id, 1, medication_id, dose_quantity, dose_unit, timing, as_needed, on_time_window_min, grace_min, 1440,
    critical, starts_at, ends_at, created_at, created_by, created_at FROM regimens;
UPDATE regimens SET current_version_id = v.id FROM regimen_versions v WHERE v.regimen_id = regimens.id AND v.version = 1;

ALTER TABLE dose_instances ADD COLUMN version_id BIGINT REFERENCES regimen_versions(id);
ALTER TABLE dose_instances ADD COLUMN nominal_date TEXT NOT NULL DEFAULT '';
ALTER TABLE dose_instances ADD COLUMN slot INTEGER;
ALTER TABLE dose_instances ADD COLUMN corrected BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE dose_instances ADD COLUMN excluded BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE dose_instances ADD COLUMN absence_id BIGINT REFERENCES patient_absences(id);
UPDATE dose_instances SET version_id = regimens.current_version_id, nominal_date = dose_instances.local_date
    FROM regimens WHERE regimens.id = dose_instances.regimen_id;
-- Identity: scheduled doses by (version, nominal date, slot); PRN doses and
-- doses written before this migration (slot NULL) keep (regimen, instant).
ALTER TABLE dose_instances DROP CONSTRAINT dose_instances_regimen_id_scheduled_at_key;
CREATE UNIQUE INDEX dose_instances_identity_idx ON dose_instances (version_id, nominal_date, slot) WHERE slot IS NOT NULL;
CREATE UNIQUE INDEX dose_instances_instant_idx ON dose_instances (regimen_id, scheduled_at) WHERE slot IS NULL;
CREATE INDEX dose_instances_regimen_idx ON dose_instances (regimen_id, scheduled_at);

CREATE TABLE dose_history (
    id           BIGSERIAL PRIMARY KEY,
    dose_id      BIGINT NOT NULL REFERENCES dose_instances(id),
    from_state   TEXT NOT NULL DEFAULT '',
    to_state     TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    actor_user_id BIGINT REFERENCES users(id),
    dispenser_id BIGINT,
    source       TEXT NOT NULL CHECK (source IN ('patient','caregiver','physician','dispenser','system')),
    reason       TEXT NOT NULL DEFAULT '',
    corrects_id  BIGINT REFERENCES dose_history(id)
);
CREATE INDEX dose_history_dose_idx ON dose_history (dose_id, id);
INSERT INTO dose_history (dose_id, from_state, to_state, at, source, reason)
SELECT id, '', state, updated_at, 'system', 'state before record history (migration 00100)' FROM dose_instances;
-- History rows are never changed: the database refuses it too.
-- +goose StatementBegin
CREATE FUNCTION dose_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dose_history is append-only';
END $$;
-- +goose StatementEnd
CREATE TRIGGER dose_history_no_change BEFORE UPDATE OR DELETE ON dose_history
    FOR EACH ROW EXECUTE FUNCTION dose_history_append_only();

ALTER TABLE patient_absences ADD COLUMN kind TEXT NOT NULL DEFAULT 'away' CHECK (kind IN ('away','hospitalised'));
ALTER TABLE patient_absences ADD COLUMN created_by BIGINT REFERENCES users(id);
ALTER TABLE patient_absences ADD COLUMN created_at TIMESTAMPTZ;
UPDATE patient_absences SET kind = 'hospitalised' WHERE reason ILIKE 'hospital%';

-- +goose Down
ALTER TABLE patient_absences DROP COLUMN created_at;
ALTER TABLE patient_absences DROP COLUMN created_by;
ALTER TABLE patient_absences DROP COLUMN kind;
DROP TABLE dose_history;
DROP FUNCTION dose_history_append_only();
DROP INDEX dose_instances_regimen_idx;
DROP INDEX dose_instances_instant_idx;
DROP INDEX dose_instances_identity_idx;
ALTER TABLE dose_instances ADD CONSTRAINT dose_instances_regimen_id_scheduled_at_key UNIQUE (regimen_id, scheduled_at);
ALTER TABLE dose_instances DROP COLUMN absence_id;
ALTER TABLE dose_instances DROP COLUMN excluded;
ALTER TABLE dose_instances DROP COLUMN corrected;
ALTER TABLE dose_instances DROP COLUMN slot;
ALTER TABLE dose_instances DROP COLUMN nominal_date;
ALTER TABLE dose_instances DROP COLUMN version_id;
ALTER TABLE regimens DROP COLUMN current_version_id;
ALTER TABLE regimens DROP COLUMN late_limit_min;
DROP TABLE regimen_versions;
