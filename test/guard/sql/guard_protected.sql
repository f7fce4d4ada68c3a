-- Protected tables: registered by OID, they change only under an approval
-- or a window that names them, whatever name or path reaches them.
CREATE SCHEMA billing;
CREATE TABLE "Skill" (id int PRIMARY KEY, name text);
INSERT INTO "Skill" VALUES (2, 'plpgsql');
CREATE TABLE billing.ledger (id int PRIMARY KEY, amount int) PARTITION BY RANGE (id);
CREATE TABLE billing.ledger_2026 PARTITION OF billing.ledger FOR VALUES FROM (0) TO (1000);
INSERT INTO billing.ledger VALUES (1, 100);
CREATE TABLE plain (id int);
SET migsafe.mode = enforce;
\set VERBOSITY terse

-- registering: bad input
SELECT migsafe_protect(NULL, 'r');
SELECT migsafe_protect('"Skill"', '');
SELECT migsafe_protect('no_such_table', 'r');
CREATE VIEW skill_names AS SELECT name FROM "Skill";
SELECT migsafe_protect('skill_names', 'r');
SELECT migsafe_unprotect('plain');
-- A regclass is resolved by PostgreSQL's rules: unquoted Skill is skill,
-- which does not exist here, so nothing is protected; Prisma's table is
-- '"Skill"' (or 'public."Skill"').
SELECT migsafe_protect('Skill', 'r');
SELECT count(*) AS protected FROM migsafe.protected_tables;

SELECT migsafe_protect('"Skill"', 'the product catalogue');
SELECT migsafe_protect('billing.ledger', 'money');
SELECT item, name, detail FROM migsafe_status() WHERE item = 'protected';

-- any change is refused, also what no other rule flags
ALTER TABLE "Skill" ADD COLUMN level int;
CREATE INDEX skill_name ON "Skill" (name);
CREATE TRIGGER t BEFORE INSERT ON "Skill" FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
ALTER TABLE plain ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES "Skill" (id);
CREATE TABLE child (skill int REFERENCES "Skill");
TRUNCATE "Skill";
DROP TABLE "Skill";
-- partitions hold the protected table's rows
TRUNCATE billing.ledger_2026;
ALTER TABLE billing.ledger DETACH PARTITION billing.ledger_2026;
DROP TABLE billing.ledger_2026;
-- reads and row changes with WHERE are not schema changes
INSERT INTO "Skill" VALUES (1, 'sql');
UPDATE "Skill" SET name = 'SQL' WHERE id = 1;
SELECT * FROM "Skill";

-- names: schema-qualified, search_path, another schema's table of the same name
ALTER TABLE public."Skill" ADD COLUMN level int;
SET search_path = billing, public;
ALTER TABLE ledger ADD COLUMN note text;
BEGIN;
CREATE TABLE billing."Skill" (id int);
ALTER TABLE "Skill" ADD COLUMN level int;
DROP TABLE billing."Skill";
COMMIT;
RESET search_path;

-- a rename or a move does not escape: protection follows the OID
SELECT migsafe_open_window('5 minutes', 'rename the catalogue', ARRAY['"Skill"']) AS w \gset
ALTER TABLE "Skill" RENAME TO skills;
SELECT migsafe_close_window(:w);
ALTER TABLE skills ADD COLUMN level int;
SELECT migsafe_open_window('5 minutes', 'move it', ARRAY['skills']) AS w \gset
ALTER TABLE skills SET SCHEMA billing;
SELECT migsafe_close_window(:w);
ALTER TABLE billing.skills ADD COLUMN level int;
SELECT item, name FROM migsafe_status() WHERE item = 'protected';

-- only an approval or window that names the table unlocks it
SELECT migsafe_open_window('5 minutes', 'everything') IS NOT NULL;
ALTER TABLE billing.skills ADD COLUMN level int;
SELECT migsafe_close_window();
SELECT migsafe_approve('everything', 'r') IS NOT NULL;
SET migsafe.approved_migration = 'everything';
ALTER TABLE billing.skills ADD COLUMN level int;
SELECT migsafe_approve('skills_level', 'r', '1 hour', ARRAY['billing.skills']) IS NOT NULL;
SET migsafe.approved_migration = 'skills_level';
ALTER TABLE billing.skills ADD COLUMN level int;
SET search_path = billing, public;
SELECT migsafe_approve('unqualified', 'r', '1 hour', ARRAY['skills']) IS NOT NULL;
SET migsafe.approved_migration = 'unqualified';
ALTER TABLE skills ADD COLUMN rank int;
RESET search_path;
RESET migsafe.approved_migration;

-- migsafe_check() in this database sees the registered tables too
SELECT rule, object FROM migsafe_check('ALTER TABLE billing.skills ADD COLUMN x int; ALTER TABLE plain ADD COLUMN x int');
SELECT rule, object FROM migsafe_check('ALTER TABLE plain ADD COLUMN x int', ARRAY['plain']);

-- unprotecting
SELECT migsafe_unprotect('billing.skills');
ALTER TABLE billing.skills ADD COLUMN x int;
SELECT rel, reason FROM migsafe.protected_tables ORDER BY rel::text;

SELECT rules, objects, outcome, approval FROM migsafe.audit_log ORDER BY id;
SET migsafe.mode = off;
DROP VIEW skill_names;
DROP TABLE billing.skills, billing.ledger, plain;
DROP SCHEMA billing;
TRUNCATE migsafe.protected_tables, migsafe.approvals, migsafe.windows, migsafe.audit_log;
