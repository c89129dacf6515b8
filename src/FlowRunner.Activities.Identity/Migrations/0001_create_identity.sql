-- identity 0001: users, lockout, TOTP, backup codes, sessions, refresh tokens, reset tokens, audit log.
-- Emails are stored lower-cased. Secrets are stored encrypted (TOTP) or hashed (codes, tokens), never plain.

CREATE TABLE identity_users (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL DEFAULT 'user',
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT NULL,
    mfa_enabled     INTEGER NOT NULL DEFAULT 0,
    totp_secret     TEXT NULL,
    totp_last_step  INTEGER NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE identity_totp_pending (
    user_id    TEXT PRIMARY KEY REFERENCES identity_users (id),
    secret     TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE identity_backup_codes (
    user_id    TEXT NOT NULL REFERENCES identity_users (id),
    code_hash  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at    TEXT NULL,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE identity_sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES identity_users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT NULL
);

CREATE TABLE identity_refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id  TEXT NOT NULL,
    session_id TEXT NOT NULL REFERENCES identity_sessions (id),
    user_id    TEXT NOT NULL REFERENCES identity_users (id),
    issued_at  TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT NULL,
    revoked_at TEXT NULL
);
CREATE INDEX ix_identity_refresh_family ON identity_refresh_tokens (family_id);

CREATE TABLE identity_reset_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES identity_users (id),
    expires_at TEXT NOT NULL,
    used_at    TEXT NULL
);

CREATE TABLE identity_audit (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    user_id TEXT NULL,
    event   TEXT NOT NULL,
    detail  TEXT NULL
);
CREATE INDEX ix_identity_audit_user ON identity_audit (user_id, id);
