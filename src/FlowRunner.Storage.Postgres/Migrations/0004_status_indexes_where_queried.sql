-- 0004: the status index only where queries look: running instances (claimed oldest first) and finished ones
-- (pruned oldest first). A waiting instance is in neither, so answering it no longer moves an entry across a large
-- index (two cold pages read and written per answer with 100,000 instances stored).
DROP INDEX ix_instances_status;
CREATE INDEX ix_instances_running ON instances (created_at) WHERE status = 'Running';
CREATE INDEX ix_instances_finished ON instances (updated_at) WHERE status IN ('Completed', 'Faulted');
