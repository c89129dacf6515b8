-- 0008: an instance's journal rows are a chain instead of an index. Each journal_commits row points to the instance's
-- previous row (previous_seq) and the instance to its last (journal_seq), so a commit no longer writes an entry into
-- ix_journal_commits_instance. Reading a journal follows the chain from the instance; the chains of the rows stored
-- so far are built here, before that index goes.
ALTER TABLE instances ADD COLUMN journal_seq BIGINT NULL;
ALTER TABLE journal_commits ADD COLUMN previous_seq BIGINT NULL;
UPDATE journal_commits c SET previous_seq = p.previous_seq
FROM (SELECT seq, LAG(seq) OVER (PARTITION BY instance_id ORDER BY seq) AS previous_seq FROM journal_commits) p
WHERE p.seq = c.seq AND p.previous_seq IS NOT NULL;
UPDATE instances i SET journal_seq = j.last_seq
FROM (SELECT instance_id, MAX(seq) AS last_seq FROM journal_commits GROUP BY instance_id) j
WHERE j.instance_id = i.id;
DROP INDEX ix_journal_commits_instance;
