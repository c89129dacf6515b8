-- identity 0003 on PostgreSQL: failed sign-ins counted per address, whether or not an account has it (peppered hashes).

CREATE TABLE identity_address_failures (
    address_hash    TEXT PRIMARY KEY,
    failed_attempts BIGINT NOT NULL,
    locked_until    TEXT NULL,
    updated_at      TEXT NOT NULL
);
