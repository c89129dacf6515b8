-- 0008: which nodes ran a handler when the instance started (a hash): a process where one lost its handler (or
-- gained one) refuses the instance instead of running it differently. Null for instances started before that.
ALTER TABLE instances ADD COLUMN binding_hash TEXT NULL;
