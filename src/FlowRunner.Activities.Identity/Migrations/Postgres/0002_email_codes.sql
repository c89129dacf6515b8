-- identity 0002 on PostgreSQL: a second factor by emailed one-time code, bound to the login it was sent for.

ALTER TABLE identity_users ADD COLUMN mfa_method TEXT NOT NULL DEFAULT 'totp';

CREATE TABLE identity_otp_codes (
    instance_id TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES identity_users (id),
    code_hash   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT NULL,
    PRIMARY KEY (instance_id, code_hash)
);
