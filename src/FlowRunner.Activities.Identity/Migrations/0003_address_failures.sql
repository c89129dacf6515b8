-- identity 0003: failed sign-ins counted per address whether or not an account has it (issue 13 §3), so a locked
-- address answers the same for known and unknown accounts. Addresses are stored as peppered hashes only.

CREATE TABLE identity_address_failures (
    address_hash    TEXT PRIMARY KEY,
    failed_attempts INTEGER NOT NULL,
    locked_until    TEXT NULL,
    updated_at      TEXT NOT NULL
);
