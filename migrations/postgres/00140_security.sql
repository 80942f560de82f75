-- +goose Up
-- Security: forced password change, TOTP, per-clinic MFA policy, session kinds
-- for the dashboard's idle timeout, refresh-token reuse detection, sign-in
-- throttling, one-time reset codes, break-glass access and the audit hash chain.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMPTZ;
ALTER TABLE clinics ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';

-- Every refresh token a session has rotated away from: presenting one again is theft.
CREATE TABLE refresh_history (
    hash        TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions(id),
    rotated_at  TIMESTAMPTZ NOT NULL
);

-- Failed sign-ins per key ("ip:ADDR", "acct:EMAIL", "pair:EMAIL|ADDR").
CREATE TABLE login_throttle (
    key            TEXT PRIMARY KEY,
    failures       INTEGER NOT NULL DEFAULT 0,
    first_at       TIMESTAMPTZ NOT NULL,
    blocked_until  TIMESTAMPTZ
);

CREATE TABLE reset_codes (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    code_hash   TEXT NOT NULL UNIQUE,
    created_by  BIGINT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ
);
CREATE INDEX reset_codes_user_idx ON reset_codes (user_id);

CREATE TABLE recovery_codes (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    code_hash   TEXT NOT NULL UNIQUE,
    used_at     TIMESTAMPTZ
);
CREATE INDEX recovery_codes_user_idx ON recovery_codes (user_id);

CREATE TABLE break_glass (
    id            BIGSERIAL PRIMARY KEY,
    clinic_id     BIGINT NOT NULL REFERENCES clinics(id),
    patient_id    BIGINT NOT NULL REFERENCES patients(id),
    physician_id  BIGINT NOT NULL REFERENCES users(id),
    reason        TEXT NOT NULL,
    opened_at     TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    ended_at      TIMESTAMPTZ
);
CREATE INDEX break_glass_active_idx ON break_glass (physician_id, patient_id, expires_at);
CREATE INDEX break_glass_clinic_idx ON break_glass (clinic_id, opened_at);

ALTER TABLE audit_log ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN ip TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN detail TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN chain_key BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE INDEX audit_log_chain_idx ON audit_log (chain_key, id);

-- +goose Down
DROP INDEX audit_log_chain_idx;
ALTER TABLE audit_log DROP COLUMN hash;
ALTER TABLE audit_log DROP COLUMN prev_hash;
ALTER TABLE audit_log DROP COLUMN chain_key;
ALTER TABLE audit_log DROP COLUMN detail;
ALTER TABLE audit_log DROP COLUMN user_agent;
ALTER TABLE audit_log DROP COLUMN ip;
ALTER TABLE audit_log DROP COLUMN role;
DROP TABLE break_glass;
DROP TABLE recovery_codes;
DROP TABLE reset_codes;
DROP TABLE login_throttle;
DROP TABLE refresh_history;
ALTER TABLE sessions DROP COLUMN ip;
ALTER TABLE sessions DROP COLUMN kind;
ALTER TABLE clinics DROP COLUMN require_mfa;
ALTER TABLE users DROP COLUMN totp_enabled_at;
ALTER TABLE users DROP COLUMN totp_secret;
ALTER TABLE users DROP COLUMN must_change_password;
