-- 0006: a commit writes its journal entries as one row (a JSON array of [node_id, lane, event, outcome, detail, at]),
-- not one row each: a step's transaction inserts one row into one table and one index instead of about ten. The view
-- "journal" shows the entries one per row, as the table did, in the order (seq, position).
CREATE TABLE journal_commits (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id TEXT NOT NULL,
    entries     JSON NOT NULL
);
INSERT INTO journal_commits (seq, instance_id, entries) OVERRIDING SYSTEM VALUE
SELECT seq, instance_id, json_build_array(json_build_array(node_id, lane, event, outcome, detail, at)) FROM journal;
SELECT setval(pg_get_serial_sequence('journal_commits', 'seq'), COALESCE(MAX(seq), 0) + 1, false) FROM journal_commits;
DROP TABLE journal;
CREATE INDEX ix_journal_commits_instance ON journal_commits (instance_id, seq);
CREATE VIEW journal AS
SELECT c.seq, e.position - 1 AS position, c.instance_id, e.value ->> 0 AS node_id, e.value ->> 1 AS lane, e.value ->> 2 AS event,
       e.value ->> 3 AS outcome, e.value ->> 4 AS detail, e.value ->> 5 AS at
FROM journal_commits c, json_array_elements(c.entries) WITH ORDINALITY AS e(value, position);
