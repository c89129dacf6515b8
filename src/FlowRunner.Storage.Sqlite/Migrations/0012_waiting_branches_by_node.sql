-- 0012: waiting branches by node. A public route that finds a waiting instance by a variable (a reset link's token)
-- read every branch of every live instance; now only the branches waiting at its node. A branch is in this index only
-- while it waits (an entry when the wait begins, gone when it is answered).
CREATE INDEX ix_branches_waiting ON branches (node_id) WHERE status = 'Waiting';
