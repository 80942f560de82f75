-- +goose NO TRANSACTION
-- +goose Up
-- Not in goose's transaction: rebuilding dose_instances needs foreign key
-- enforcement off, which SQLite only allows outside a transaction; the
-- migration opens its own (BEGIN ... COMMIT) on goose's one connection.
PRAGMA foreign_keys = OFF;
BEGIN;
-- Record integrity (issue 10): immutable regimen versions, dose identity
-- (version, nominal local date, slot), an append-only dose history, and
-- absences that exclude doses. Existing rows are kept: every regimen gets
-- version 1 from its current fields, every dose points at it, and every dose
-- gets one history row stating the state it had when this migration ran.
CREATE TABLE regimen_versions (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    regimen_id         BIGINT NOT NULL REFERENCES regimens(id),
    version            INTEGER NOT NULL,
    medication_id      BIGINT NOT NULL REFERENCES medications(id),
    dose_quantity      REAL NOT NULL,
    dose_unit          TEXT NOT NULL,
    timing             TEXT NOT NULL,
    as_needed          BOOLEAN NOT NULL,
    on_time_window_min INTEGER NOT NULL,
    grace_min          INTEGER NOT NULL,
    late_limit_min     INTEGER NOT NULL DEFAULT 1440,
    critical           BOOLEAN NOT NULL,
    starts_at          DATETIME NOT NULL,
    ends_at            DATETIME,
    effective_from     DATETIME NOT NULL,
    created_by         BIGINT REFERENCES users(id),
    created_at         DATETIME NOT NULL,
    UNIQUE (regimen_id, version)
);
ALTER TABLE regimens ADD COLUMN late_limit_min INTEGER NOT NULL DEFAULT 1440;
-- No REFERENCES: SQLite cannot drop a column that has one (see Down).
ALTER TABLE regimens ADD COLUMN current_version_id BIGINT;
INSERT INTO regimen_versions (regimen_id, version, medication_id, dose_quantity, dose_unit, timing, as_needed,
    on_time_window_min, grace_min, late_limit_min, critical, starts_at, ends_at, effective_from, created_by, created_at)
SELECT id, 1, medication_id, dose_quantity, dose_unit, timing, as_needed, on_time_window_min, grace_min, 1440,
    critical, starts_at, ends_at, created_at, created_by, created_at FROM regimens;
UPDATE regimens SET current_version_id = (SELECT v.id FROM regimen_versions v WHERE v.regimen_id = regimens.id AND v.version = 1);

ALTER TABLE patient_absences ADD COLUMN kind TEXT NOT NULL DEFAULT 'away' CHECK (kind IN ('away','hospitalised'));
ALTER TABLE patient_absences ADD COLUMN created_by BIGINT;
ALTER TABLE patient_absences ADD COLUMN created_at DATETIME;
UPDATE patient_absences SET kind = 'hospitalised' WHERE lower(reason) LIKE 'hospital%';

-- SQLite cannot drop the table-level UNIQUE (regimen_id, scheduled_at), so
-- dose_instances is rebuilt with the same ids (SQLite's documented
-- procedure: new table, copy, drop, rename; the foreign keys of alerts,
-- dose_events and the outbox name "dose_instances" and find the same ids).
CREATE TABLE dose_instances_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id       BIGINT NOT NULL REFERENCES patients(id),
    regimen_id       BIGINT NOT NULL REFERENCES regimens(id),
    scheduled_at     DATETIME NOT NULL,
    local_date       TEXT NOT NULL,
    local_time       TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','taken','missed','skipped','cancelled')),
    on_time          BOOLEAN,
    taken_at         DATETIME,
    source           TEXT NOT NULL DEFAULT '',
    skip_reason      TEXT NOT NULL DEFAULT '',
    double_dose      BOOLEAN NOT NULL DEFAULT FALSE,
    during_outage    BOOLEAN NOT NULL DEFAULT FALSE,
    dispenser_reported BOOLEAN NOT NULL DEFAULT FALSE,
    reminded_at      DATETIME,
    rereminded_at    DATETIME,
    snoozed_until    DATETIME,
    snooze_count     INTEGER NOT NULL DEFAULT 0,
    missed_at        DATETIME,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL,
    prereminded_at   DATETIME,
    version_id       BIGINT REFERENCES regimen_versions(id),
    nominal_date     TEXT NOT NULL DEFAULT '',
    slot             INTEGER,
    corrected        BOOLEAN NOT NULL DEFAULT FALSE,
    excluded         BOOLEAN NOT NULL DEFAULT FALSE,
    absence_id       BIGINT REFERENCES patient_absences(id)
);
INSERT INTO dose_instances_new (id, patient_id, regimen_id, scheduled_at, local_date, local_time, state, on_time, taken_at,
    source, skip_reason, double_dose, during_outage, dispenser_reported, reminded_at, rereminded_at, snoozed_until,
    snooze_count, missed_at, created_at, updated_at, prereminded_at, version_id, nominal_date)
SELECT d.id, d.patient_id, d.regimen_id, d.scheduled_at, d.local_date, d.local_time, d.state, d.on_time, d.taken_at,
    d.source, d.skip_reason, d.double_dose, d.during_outage, d.dispenser_reported, d.reminded_at, d.rereminded_at,
    d.snoozed_until, d.snooze_count, d.missed_at, d.created_at, d.updated_at, d.prereminded_at,
    (SELECT r.current_version_id FROM regimens r WHERE r.id = d.regimen_id), d.local_date
FROM dose_instances d;
DROP TABLE dose_instances;
ALTER TABLE dose_instances_new RENAME TO dose_instances;
CREATE INDEX dose_instances_patient_idx ON dose_instances (patient_id, scheduled_at);
CREATE INDEX dose_instances_pending_idx ON dose_instances (scheduled_at) WHERE state = 'pending';
CREATE INDEX dose_instances_patient_day_idx ON dose_instances (patient_id, local_date);
-- Identity: scheduled doses by (version, nominal date, slot); PRN doses and
-- doses written before this migration (slot NULL) keep (regimen, instant).
CREATE UNIQUE INDEX dose_instances_identity_idx ON dose_instances (version_id, nominal_date, slot) WHERE slot IS NOT NULL;
CREATE UNIQUE INDEX dose_instances_instant_idx ON dose_instances (regimen_id, scheduled_at) WHERE slot IS NULL;
CREATE INDEX dose_instances_regimen_idx ON dose_instances (regimen_id, scheduled_at);

CREATE TABLE dose_history (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    dose_id      BIGINT NOT NULL REFERENCES dose_instances(id),
    from_state   TEXT NOT NULL DEFAULT '',
    to_state     TEXT NOT NULL,
    at           DATETIME NOT NULL,
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
CREATE TRIGGER dose_history_no_update BEFORE UPDATE ON dose_history BEGIN SELECT RAISE(ABORT, 'dose_history is append-only'); END;
CREATE TRIGGER dose_history_no_delete BEFORE DELETE ON dose_history BEGIN SELECT RAISE(ABORT, 'dose_history is append-only'); END;
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE dose_history;
CREATE TABLE dose_instances_old (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id       BIGINT NOT NULL REFERENCES patients(id),
    regimen_id       BIGINT NOT NULL REFERENCES regimens(id),
    scheduled_at     DATETIME NOT NULL,
    local_date       TEXT NOT NULL,
    local_time       TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','taken','missed','skipped','cancelled')),
    on_time          BOOLEAN,
    taken_at         DATETIME,
    source           TEXT NOT NULL DEFAULT '',
    skip_reason      TEXT NOT NULL DEFAULT '',
    double_dose      BOOLEAN NOT NULL DEFAULT FALSE,
    during_outage    BOOLEAN NOT NULL DEFAULT FALSE,
    dispenser_reported BOOLEAN NOT NULL DEFAULT FALSE,
    reminded_at      DATETIME,
    rereminded_at    DATETIME,
    snoozed_until    DATETIME,
    snooze_count     INTEGER NOT NULL DEFAULT 0,
    missed_at        DATETIME,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL,
    prereminded_at   DATETIME,
    UNIQUE (regimen_id, scheduled_at)
);
INSERT INTO dose_instances_old SELECT id, patient_id, regimen_id, scheduled_at, local_date, local_time, state, on_time, taken_at,
    source, skip_reason, double_dose, during_outage, dispenser_reported, reminded_at, rereminded_at, snoozed_until,
    snooze_count, missed_at, created_at, updated_at, prereminded_at FROM dose_instances;
DROP TABLE dose_instances;
ALTER TABLE dose_instances_old RENAME TO dose_instances;
CREATE INDEX dose_instances_patient_idx ON dose_instances (patient_id, scheduled_at);
CREATE INDEX dose_instances_pending_idx ON dose_instances (scheduled_at) WHERE state = 'pending';
CREATE INDEX dose_instances_patient_day_idx ON dose_instances (patient_id, local_date);
ALTER TABLE patient_absences DROP COLUMN created_at;
ALTER TABLE patient_absences DROP COLUMN created_by;
ALTER TABLE patient_absences DROP COLUMN kind;
ALTER TABLE regimens DROP COLUMN current_version_id;
ALTER TABLE regimens DROP COLUMN late_limit_min;
DROP TABLE regimen_versions;
COMMIT;
PRAGMA foreign_keys = ON;
