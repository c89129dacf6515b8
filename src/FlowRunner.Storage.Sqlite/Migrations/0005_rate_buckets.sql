-- 0005: token buckets every node shares: the per-IP and per-account limits of routes, and the gateway's budgets.
-- The tokens left at updated_ms (Unix milliseconds); refilled on use at the bucket's rate, up to its capacity.
CREATE TABLE rate_buckets (
    key        TEXT PRIMARY KEY,
    tokens     REAL NOT NULL,
    updated_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX rate_buckets_updated ON rate_buckets (updated_ms);
