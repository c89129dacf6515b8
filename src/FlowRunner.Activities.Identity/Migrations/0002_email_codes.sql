-- identity 0002: a second factor by emailed one-time code (OOB-01). Codes are stored hashed, bound to the login
-- (instance) they were sent for, expire after 10 minutes and work once.

ALTER TABLE identity_users ADD COLUMN mfa_method TEXT NOT NULL DEFAULT 'totp';

CREATE TABLE identity_otp_codes (
    instance_id TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES identity_users (id),
    code_hash   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT NULL,
    PRIMARY KEY (instance_id, code_hash)
);
