-- 0011: an instance's journal rows are a chain instead of an index. Each journal_commits row points to the instance's
-- previous row (previous_seq) and the instance to its last (journal_seq), so a commit no longer writes an entry into
-- ix_journal_commits_instance: one B-tree page of the commit's WAL fewer. Reading a journal follows the chain from
-- the instance; the chains of the rows stored so far are built here from that index, which then goes.
ALTER TABLE instances ADD COLUMN journal_seq INTEGER NULL;
ALTER TABLE journal_commits ADD COLUMN previous_seq INTEGER NULL;
UPDATE journal_commits SET previous_seq = (
    SELECT MAX(p.seq) FROM journal_commits p WHERE p.instance_id = journal_commits.instance_id AND p.seq < journal_commits.seq);
UPDATE instances SET journal_seq = (SELECT MAX(seq) FROM journal_commits WHERE instance_id = instances.id);
DROP INDEX ix_journal_commits_instance;
