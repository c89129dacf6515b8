-- identity 0004: device sessions of the API gateway (seed 004). A device proves each request with its Ed25519 key;
-- the session binds the key to a user until it is revoked (by the user, or by a password change). Profiles get a
-- display name, which the gateway's user.profile.* commands read and change.

CREATE TABLE identity_device_sessions (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES identity_users (id),
    public_key BLOB NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT NULL
);

CREATE INDEX identity_device_sessions_user ON identity_device_sessions (user_id);

ALTER TABLE identity_users ADD COLUMN display_name TEXT NULL;

-- Sign-in by emailed code (the gateway's public auth): one challenge per sign-in (the instance), its code stored
-- hashed, good for 10 minutes, 5 tries and once. The address is kept until the challenge is used or pruned.
CREATE TABLE identity_email_challenges (
    instance_id TEXT PRIMARY KEY,
    email       TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    used_at     TEXT NULL
);

-- What the backend tells the gateway's dispatcher (GET /api/v1/internal/events): a profile changed, a device session
-- or all of a user's sessions were revoked. Written in the transaction of the change; read in id order.
CREATE TABLE identity_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
