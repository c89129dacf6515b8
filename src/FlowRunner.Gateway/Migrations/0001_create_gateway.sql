-- gateway 0001: the replay store and the budgets of the API gateway (seed 004).
-- A request id is reserved once per device session (the primary key makes the insert atomic); rows are pruned
-- once they expire, which is after any copy would be refused as stale anyway.

CREATE TABLE gateway_replay (
    device_session_id TEXT NOT NULL,
    request_id        TEXT NOT NULL,
    expires_ms        INTEGER NOT NULL,
    PRIMARY KEY (device_session_id, request_id)
) WITHOUT ROWID;

CREATE INDEX gateway_replay_expires ON gateway_replay (expires_ms);

-- Token buckets: the tokens left at updated_ms; refilled on use at the bucket's rate, up to its capacity.
CREATE TABLE gateway_budgets (
    key        TEXT PRIMARY KEY,
    tokens     REAL NOT NULL,
    updated_ms INTEGER NOT NULL
) WITHOUT ROWID;
