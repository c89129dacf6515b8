-- 0003: leases. A running instance belongs to the node that saved it until lease_expires_ms (the database's clock,
-- Unix milliseconds); then any node may claim it, which moves its version on so the old owner cannot commit.
ALTER TABLE instances ADD COLUMN lease_owner TEXT NULL;
ALTER TABLE instances ADD COLUMN lease_expires_ms BIGINT NULL;
