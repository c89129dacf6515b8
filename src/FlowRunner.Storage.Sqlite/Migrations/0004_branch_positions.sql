-- 0004: a branch's place among its instance's branches, as a column both databases have (rowid is SQLite's own);
-- rows from before keep the order they were written in.
ALTER TABLE branches ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE branches SET position = rowid;
