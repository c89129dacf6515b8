-- gateway 0001 on PostgreSQL: the replay store and the budgets (see the SQLite script for what they hold).

CREATE TABLE gateway_replay (
    device_session_id TEXT NOT NULL,
    request_id        TEXT NOT NULL,
    expires_ms        BIGINT NOT NULL,
    PRIMARY KEY (device_session_id, request_id)
);

CREATE INDEX gateway_replay_expires ON gateway_replay (expires_ms);

CREATE TABLE gateway_budgets (
    key        TEXT PRIMARY KEY,
    tokens     DOUBLE PRECISION NOT NULL,
    updated_ms BIGINT NOT NULL
);
