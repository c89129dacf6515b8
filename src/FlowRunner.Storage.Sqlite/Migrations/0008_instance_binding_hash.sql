-- 0008: which activity each node ran when the instance started (a hash): a process that binds the flow otherwise
-- refuses the instance instead of running it differently. Null for instances started before it was recorded.
ALTER TABLE instances ADD COLUMN binding_hash TEXT NULL;
