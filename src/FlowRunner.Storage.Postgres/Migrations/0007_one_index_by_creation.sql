-- 0007: one index by creation instead of three. A start put an entry into four indexes of instances (id, created,
-- flow and created, finished), each a page of the commit's WAL; now into two. Lists, of all flows or of one, read
-- ix_instances_created newest first (the flow is in the entry, so filtering reads no row); pruning reads it oldest
-- first up to the age and keeps the finished instances changed before it (created_at <= updated_at).
DROP INDEX ix_instances_created;
DROP INDEX ix_instances_flow_created;
DROP INDEX ix_instances_finished;
CREATE INDEX ix_instances_created ON instances (created_at, flow_name);
