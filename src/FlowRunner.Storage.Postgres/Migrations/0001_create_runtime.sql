-- 0001: flow versions, instances, branches, variables, journal, outbox, timers: the SQLite store's schema in
-- PostgreSQL's words. Times are UTC ISO 8601 strings of fixed width (StoredTime), so they compare as text.

CREATE TABLE flow_versions (
    hash        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    source_path TEXT NOT NULL,
    source      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE instances (
    id           TEXT PRIMARY KEY,
    flow_name    TEXT NOT NULL,
    flow_hash    TEXT NOT NULL REFERENCES flow_versions (hash),
    status       TEXT NOT NULL,
    version      BIGINT NOT NULL,
    next_branch  BIGINT NOT NULL,
    visits       TEXT NOT NULL,
    outputs      TEXT NOT NULL,
    incident     TEXT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    trace_parent TEXT NULL
);
CREATE INDEX ix_instances_status ON instances (status);
CREATE INDEX ix_instances_created ON instances (created_at);
CREATE INDEX ix_instances_flow_created ON instances (flow_name, created_at);

CREATE TABLE branches (
    instance_id      TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    id               TEXT NOT NULL,
    position         BIGINT NOT NULL,
    node_id          TEXT NOT NULL,
    status           TEXT NOT NULL,
    previous_outcome TEXT NULL,
    wait             TEXT NULL,
    timed_out        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (instance_id, id)
);

CREATE TABLE variables (
    instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    value       TEXT NOT NULL,
    PRIMARY KEY (instance_id, name)
);

CREATE TABLE journal (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id TEXT NOT NULL,
    node_id     TEXT NULL,
    lane        TEXT NULL,
    event       TEXT NOT NULL,
    outcome     TEXT NULL,
    detail      TEXT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX ix_journal_instance ON journal (instance_id, seq);

CREATE TABLE outbox (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id TEXT NOT NULL,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    sent_at     TEXT NULL
);

CREATE TABLE timers (
    instance_id TEXT NOT NULL,
    branch_id   TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    PRIMARY KEY (instance_id, branch_id)
);
CREATE INDEX ix_timers_due ON timers (due_at);
