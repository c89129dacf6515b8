-- 0009: a commit writes its journal entries as one row (a JSON array of [node_id, lane, event, outcome, detail, at]),
-- not one row each: a step's transaction inserts one row into one table and one index instead of about ten. The view
-- "journal" shows the entries one per row, as the table did, in the order (seq, position).
CREATE TABLE journal_commits (
    seq         INTEGER PRIMARY KEY,
    instance_id TEXT NOT NULL,
    entries     TEXT NOT NULL
);
INSERT INTO journal_commits (seq, instance_id, entries)
SELECT seq, instance_id, json_array(json_array(node_id, lane, event, outcome, detail, at)) FROM journal ORDER BY seq;
DROP TABLE journal;
CREATE INDEX ix_journal_commits_instance ON journal_commits (instance_id, seq);
CREATE VIEW journal AS
SELECT c.seq, e.key AS position, c.instance_id, e.value ->> 0 AS node_id, e.value ->> 1 AS lane, e.value ->> 2 AS event,
       e.value ->> 3 AS outcome, e.value ->> 4 AS detail, e.value ->> 5 AS at
FROM journal_commits c, json_each(c.entries) e;
