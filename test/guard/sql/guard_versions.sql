-- What PostgreSQL 17 and 18 added, judged in the database. Every major runs
-- the same statements: 15 rejects the newer syntax (guard_versions.out),
-- 17 judges MERGE ... WHEN NOT MATCHED BY SOURCE, RETURNING and SET
-- EXPRESSION (guard_versions_1.out), 18 also virtual generated columns
-- (guard_versions_2.out). A refusal leaves every row as it was.
CREATE TABLE members (id int PRIMARY KEY, active boolean NOT NULL DEFAULT true);
INSERT INTO members SELECT g, true FROM generate_series(1, 5) g;
CREATE TABLE incoming (id int);
INSERT INTO incoming VALUES (1), (2);
SET migsafe.mode = enforce;
SET migsafe.review_action = warn;
\set VERBOSITY terse

-- WHEN NOT MATCHED BY SOURCE reaches every member incoming does not name,
-- whatever ON says: refused
MERGE INTO members m USING incoming i ON m.id = i.id WHEN NOT MATCHED BY SOURCE THEN DELETE;
MERGE INTO members m USING incoming i ON m.id = i.id WHEN NOT MATCHED BY SOURCE THEN UPDATE SET active = false;
SELECT id, active FROM members ORDER BY id;
-- restricted by the action's own condition: runs
MERGE INTO members m USING incoming i ON m.id = i.id
  WHEN NOT MATCHED BY SOURCE AND m.id = 5 THEN UPDATE SET active = false;
-- WHEN MATCHED under an ON that names the rows, with RETURNING: runs
MERGE INTO members m USING incoming i ON m.id = i.id
  WHEN MATCHED THEN UPDATE SET active = false RETURNING merge_action(), m.id;
SELECT id, active FROM members ORDER BY id;

-- Generated columns: a stored one is written into every row (a rewrite);
-- 18's virtual ones (its default) are computed when read
ALTER TABLE members ADD COLUMN twice int GENERATED ALWAYS AS (id * 2) STORED;
ALTER TABLE members ADD COLUMN half int GENERATED ALWAYS AS (id / 2);
ALTER TABLE members ADD COLUMN third int GENERATED ALWAYS AS (id / 3) VIRTUAL;
-- SET EXPRESSION recomputes a stored column: a rewrite
ALTER TABLE members ALTER COLUMN twice SET EXPRESSION AS (id * 3);
-- migsafe_plan(): the work each would do
SELECT relation, lock_mode, work FROM migsafe_plan('ALTER TABLE members ALTER COLUMN twice SET EXPRESSION AS (id * 4)');
SELECT relation, lock_mode, work FROM migsafe_plan('ALTER TABLE members ADD COLUMN quarter int GENERATED ALWAYS AS (id / 4)');
SELECT relation, lock_mode, work FROM migsafe_plan('ALTER TABLE members ADD COLUMN fifth int GENERATED ALWAYS AS (id / 5) STORED');
SELECT * FROM members ORDER BY id;

SET migsafe.mode = off;
DROP TABLE members, incoming;
