-- +goose Up
-- Core schema: people, care relationships, regimens, doses, devices, outbox, audit.
-- SQLite twin of postgres/00001_core.sql. All instants are UTC; wall-clock times live in regimen timing JSON.
CREATE TABLE clinics (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    time_zone   TEXT NOT NULL DEFAULT 'UTC',
    created_at  DATETIME NOT NULL
);

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    clinic_id           BIGINT NOT NULL REFERENCES clinics(id),
    email               TEXT NOT NULL,
    name                TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('admin','physician','caregiver','patient')),
    password_hash       TEXT NOT NULL,
    locale              TEXT NOT NULL DEFAULT 'en',
    quiet_start         TEXT NOT NULL DEFAULT '',
    quiet_end           TEXT NOT NULL DEFAULT '',
    lock_screen_private BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        DATETIME,
    disabled_at         DATETIME,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_clinic_role_idx ON users (clinic_id, role);

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id),
    refresh_hash  TEXT NOT NULL UNIQUE,
    user_agent    TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    last_used_at  DATETIME NOT NULL,
    expires_at    DATETIME NOT NULL,
    revoked_at    DATETIME
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE patients (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    clinic_id         BIGINT NOT NULL REFERENCES clinics(id),
    user_id           BIGINT UNIQUE REFERENCES users(id),
    name              TEXT NOT NULL,
    birth_date        TEXT NOT NULL DEFAULT '',
    time_zone         TEXT NOT NULL,
    home_time_zone    TEXT NOT NULL,
    travel_policy     TEXT NOT NULL DEFAULT 'home' CHECK (travel_policy IN ('home','local')),
    escalation_policy TEXT NOT NULL DEFAULT '',
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL
);
CREATE INDEX patients_clinic_idx ON patients (clinic_id);

CREATE TABLE care_team_members (
    patient_id    BIGINT NOT NULL REFERENCES patients(id),
    physician_id  BIGINT NOT NULL REFERENCES users(id),
    created_at    DATETIME NOT NULL,
    PRIMARY KEY (patient_id, physician_id)
);
CREATE INDEX care_team_physician_idx ON care_team_members (physician_id);

CREATE TABLE care_links (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id        BIGINT NOT NULL REFERENCES patients(id),
    caregiver_id      BIGINT REFERENCES users(id),
    invite_email      TEXT NOT NULL DEFAULT '',
    escalation_order  INTEGER NOT NULL DEFAULT 1,
    state             TEXT NOT NULL CHECK (state IN ('pending','active','declined','revoked','left')),
    muted_until       DATETIME,
    created_at        DATETIME NOT NULL,
    accepted_at       DATETIME,
    ended_at          DATETIME
);
CREATE INDEX care_links_patient_idx ON care_links (patient_id, state);
CREATE INDEX care_links_caregiver_idx ON care_links (caregiver_id, state);

CREATE TABLE patient_absences (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id  BIGINT NOT NULL REFERENCES patients(id),
    starts_at   DATETIME NOT NULL,
    ends_at     DATETIME NOT NULL,
    reason      TEXT NOT NULL DEFAULT 'away'
);
CREATE INDEX patient_absences_patient_idx ON patient_absences (patient_id, starts_at);

CREATE TABLE medications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    clinic_id       BIGINT NOT NULL REFERENCES clinics(id),
    name            TEXT NOT NULL,
    strength        TEXT NOT NULL DEFAULT '',
    form            TEXT NOT NULL DEFAULT '',
    rxnorm_code     TEXT NOT NULL DEFAULT '',
    antiretroviral  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      DATETIME NOT NULL
);
CREATE INDEX medications_clinic_idx ON medications (clinic_id);

CREATE TABLE regimens (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id      BIGINT NOT NULL REFERENCES patients(id),
    medication_id   BIGINT NOT NULL REFERENCES medications(id),
    dose_quantity   REAL NOT NULL DEFAULT 1,
    dose_unit       TEXT NOT NULL DEFAULT 'tablet',
    timing          TEXT NOT NULL,
    as_needed       BOOLEAN NOT NULL DEFAULT FALSE,
    on_time_window_min INTEGER NOT NULL DEFAULT 60,
    grace_min       INTEGER NOT NULL DEFAULT 60,
    critical        BOOLEAN NOT NULL DEFAULT FALSE,
    compartment     INTEGER,
    starts_at       DATETIME NOT NULL,
    ends_at         DATETIME,
    stopped_at      DATETIME,
    expanded_until  DATETIME,
    created_by      BIGINT REFERENCES users(id),
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX regimens_patient_idx ON regimens (patient_id);

CREATE TABLE dose_instances (
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
    UNIQUE (regimen_id, scheduled_at)
);
CREATE INDEX dose_instances_patient_idx ON dose_instances (patient_id, scheduled_at);
CREATE INDEX dose_instances_pending_idx ON dose_instances (scheduled_at) WHERE state = 'pending';

CREATE TABLE alerts (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_id       BIGINT NOT NULL REFERENCES patients(id),
    kind             TEXT NOT NULL CHECK (kind IN ('missed_dose','device_offline')),
    dose_id          BIGINT UNIQUE REFERENCES dose_instances(id),
    dispenser_id     BIGINT,
    critical         BOOLEAN NOT NULL DEFAULT FALSE,
    opened_at        DATETIME NOT NULL,
    next_step        INTEGER NOT NULL DEFAULT 0,
    next_at          DATETIME,
    closed_at        DATETIME,
    close_reason     TEXT NOT NULL DEFAULT '',
    acknowledged_by  BIGINT REFERENCES users(id),
    acknowledged_at  DATETIME
);
CREATE INDEX alerts_patient_idx ON alerts (patient_id, opened_at);
CREATE INDEX alerts_due_idx ON alerts (next_at) WHERE closed_at IS NULL;

CREATE TABLE dispensers (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    clinic_id           BIGINT NOT NULL REFERENCES clinics(id),
    serial              TEXT NOT NULL UNIQUE,
    public_key          TEXT NOT NULL,
    patient_id          BIGINT REFERENCES patients(id),
    model               TEXT NOT NULL DEFAULT '',
    heartbeat_interval_s INTEGER NOT NULL DEFAULT 900,
    revoked_at          DATETIME,
    last_seen_at        DATETIME,
    battery_pct         INTEGER,
    firmware            TEXT NOT NULL DEFAULT '',
    signal_dbm          INTEGER,
    last_seq            BIGINT NOT NULL DEFAULT 0,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL
);
CREATE INDEX dispensers_clinic_idx ON dispensers (clinic_id);
CREATE INDEX dispensers_patient_idx ON dispensers (patient_id);

CREATE TABLE dispenser_outages (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    dispenser_id  BIGINT NOT NULL REFERENCES dispensers(id),
    patient_id    BIGINT REFERENCES patients(id),
    started_at    DATETIME NOT NULL,
    detected_at   DATETIME NOT NULL,
    ended_at      DATETIME,
    UNIQUE (dispenser_id, started_at)
);

CREATE TABLE dose_events (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    dispenser_id     BIGINT NOT NULL REFERENCES dispensers(id),
    device_event_id  TEXT NOT NULL,
    type             TEXT NOT NULL,
    occurred_at      DATETIME NOT NULL,
    received_at      DATETIME NOT NULL,
    compartment      INTEGER,
    quantity         REAL,
    seq              BIGINT,
    details          TEXT NOT NULL DEFAULT '',
    dose_id          BIGINT REFERENCES dose_instances(id),
    flag             TEXT NOT NULL DEFAULT '',
    UNIQUE (dispenser_id, device_event_id)
);
CREATE INDEX dose_events_dose_idx ON dose_events (dose_id);

CREATE TABLE push_tokens (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          BIGINT NOT NULL REFERENCES users(id),
    token            TEXT NOT NULL UNIQUE,
    platform         TEXT NOT NULL,
    app_version      TEXT NOT NULL DEFAULT '',
    locale           TEXT NOT NULL DEFAULT '',
    session_id       TEXT NOT NULL DEFAULT '',
    last_seen_at     DATETIME NOT NULL,
    disabled_at      DATETIME,
    disabled_reason  TEXT NOT NULL DEFAULT '',
    created_at       DATETIME NOT NULL
);
CREATE INDEX push_tokens_user_idx ON push_tokens (user_id);

CREATE TABLE notifications (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key         TEXT NOT NULL UNIQUE,
    recipient_id       BIGINT NOT NULL REFERENCES users(id),
    channel            TEXT NOT NULL,
    kind               TEXT NOT NULL,
    critical           BOOLEAN NOT NULL DEFAULT FALSE,
    patient_id         BIGINT REFERENCES patients(id),
    dose_id            BIGINT REFERENCES dose_instances(id),
    alert_id           BIGINT REFERENCES alerts(id),
    payload            TEXT NOT NULL DEFAULT '{}',
    state              TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sending','sent','dead')),
    attempts           INTEGER NOT NULL DEFAULT 0,
    not_before         DATETIME NOT NULL,
    lease_until        DATETIME,
    provider_id        TEXT NOT NULL DEFAULT '',
    last_error         TEXT NOT NULL DEFAULT '',
    created_at         DATETIME NOT NULL,
    sent_at            DATETIME
);
CREATE INDEX notifications_due_idx ON notifications (not_before) WHERE state IN ('pending','sending');
CREATE INDEX notifications_alert_idx ON notifications (alert_id);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, created_at);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           DATETIME NOT NULL,
    actor_id     BIGINT,
    clinic_id    BIGINT,
    action       TEXT NOT NULL,
    patient_id   BIGINT,
    object_type  TEXT NOT NULL DEFAULT '',
    object_id    TEXT NOT NULL DEFAULT '',
    outcome      TEXT NOT NULL,
    request_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_patient_idx ON audit_log (patient_id, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);
CREATE INDEX audit_log_clinic_idx ON audit_log (clinic_id, at);

CREATE TABLE job_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    lease_until DATETIME NOT NULL
);

-- +goose Down
DROP TABLE job_leases;
DROP TABLE audit_log;
DROP TABLE notifications;
DROP TABLE push_tokens;
DROP TABLE dose_events;
DROP TABLE dispenser_outages;
DROP TABLE dispensers;
DROP TABLE alerts;
DROP TABLE dose_instances;
DROP TABLE regimens;
DROP TABLE medications;
DROP TABLE patient_absences;
DROP TABLE care_links;
DROP TABLE care_team_members;
DROP TABLE patients;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE clinics;
