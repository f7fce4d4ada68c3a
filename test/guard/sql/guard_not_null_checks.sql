-- drop-constraint of a CHECK (c IS NOT NULL) that c's NOT NULL now implies:
-- the last step of the safe SET NOT NULL (docs/rules/set-not-null.md) loses
-- nothing and runs; every near miss is still refused and leaves the
-- constraint in place. Each statement in a transaction of its own, on
-- tables that hold rows, as a migration tool would run the recipe.
CREATE TYPE pair AS (a int, b int);
CREATE TABLE "User" (id int PRIMARY KEY, email text, name text, nick text, home pair);
INSERT INTO "User" VALUES (1, 'ada@example.com', 'ada', 'a', ROW(1, 2)), (2, 'bob@example.com', 'bob', 'b', ROW(3, NULL));
CREATE TABLE parent (id int, note text);
CREATE TABLE kid () INHERITS (parent);
INSERT INTO parent VALUES (1, 'p');
INSERT INTO kid VALUES (2, 'k');
SET migsafe.mode = enforce;
SET migsafe.review_action = warn;
\set VERBOSITY terse

-- the recipe, statement by statement: the SET NOT NULL is proven by the
-- validated CHECK (no finding), the drop loses nothing (no finding)
ALTER TABLE "User" ADD CONSTRAINT "User_email_not_null" CHECK ("email" IS NOT NULL) NOT VALID;
ALTER TABLE "User" VALIDATE CONSTRAINT "User_email_not_null";
ALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL;
ALTER TABLE "User" DROP CONSTRAINT "User_email_not_null";
SELECT conname FROM pg_constraint WHERE conrelid = '"User"'::regclass AND contype = 'c';
SELECT attnotnull FROM pg_attribute WHERE attrelid = '"User"'::regclass AND attname = 'email';
SELECT count(*) AS rows FROM "User";

-- near misses, each refused with its constraint still there
-- the column is not NOT NULL
ALTER TABLE "User" ADD CONSTRAINT "User_name_not_null" CHECK ("name" IS NOT NULL);
ALTER TABLE "User" DROP CONSTRAINT "User_name_not_null";
-- a CHECK that says more than IS NOT NULL
ALTER TABLE "User" ADD CONSTRAINT "User_email_not_empty" CHECK ("email" IS NOT NULL AND "email" <> '');
ALTER TABLE "User" DROP CONSTRAINT "User_email_not_empty";
-- another column's NOT NULL
ALTER TABLE "User" ADD CONSTRAINT "User_nick_not_null" CHECK ("nick" IS NOT NULL);
ALTER TABLE "User" ALTER COLUMN "name" SET NOT NULL;
ALTER TABLE "User" DROP CONSTRAINT "User_nick_not_null";
-- a composite column: IS NOT NULL tests every field, NOT NULL only the value
ALTER TABLE "User" ADD CONSTRAINT "User_home_complete" CHECK ("home" IS NOT NULL) NOT VALID;
ALTER TABLE "User" ALTER COLUMN "home" SET NOT NULL;
ALTER TABLE "User" DROP CONSTRAINT "User_home_complete";
-- a child whose column is still nullable loses its inherited copy
ALTER TABLE parent ADD CONSTRAINT parent_note_not_null CHECK (note IS NOT NULL);
ALTER TABLE ONLY parent ALTER COLUMN note SET NOT NULL;
ALTER TABLE parent DROP CONSTRAINT parent_note_not_null;
SELECT conrelid::regclass AS "table", conname FROM pg_constraint
WHERE conrelid IN ('"User"'::regclass, 'parent'::regclass, 'kid'::regclass) AND contype = 'c' ORDER BY 1, 2;
-- with ONLY the child keeps its copy (now its own): nothing is lost
ALTER TABLE ONLY parent DROP CONSTRAINT parent_note_not_null;
-- once the child's column is NOT NULL too, dropping from both is fine
ALTER TABLE parent ADD CONSTRAINT parent_note_checked CHECK (note IS NOT NULL);
ALTER TABLE kid ALTER COLUMN note SET NOT NULL;
ALTER TABLE parent DROP CONSTRAINT parent_note_checked;
SELECT conrelid::regclass AS "table", conname, conislocal FROM pg_constraint
WHERE conrelid IN ('parent'::regclass, 'kid'::regclass) AND contype = 'c' ORDER BY 1, 2;
SELECT (SELECT count(*) FROM ONLY parent) AS parent_rows, (SELECT count(*) FROM kid) AS kid_rows;

-- no dangerous statement ran (the audit log records those)
SELECT rules, objects, outcome FROM migsafe.audit_log ORDER BY id;

SET migsafe.mode = off;
DROP TABLE "User", kid, parent;
DROP TYPE pair;
TRUNCATE migsafe.audit_log;
