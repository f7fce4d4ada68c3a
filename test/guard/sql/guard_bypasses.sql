-- Bypass attempts (docs/bypasses.md): other paths into the server (cursors,
-- CREATE TABLE AS, views, rules and INSTEAD OF triggers), other names for a
-- protected table (ONLY, inheritance, partitions, temporary tables) and
-- cascades. Each statement below is one attempt; "-- KNOWN GAP:" marks an
-- attempt that gets through today, with the output showing what happens.
CREATE TABLE accounts (id int PRIMARY KEY, balance int);
INSERT INTO accounts VALUES (1, 10), (2, 20);
CREATE TABLE vault (id int PRIMARY KEY, secret text);
INSERT INTO vault VALUES (1, 'a'), (2, 'b');
SELECT migsafe_protect('vault', 'bypass tests');
SET migsafe.mode = enforce;
SET migsafe.review_action = allow;
\set VERBOSITY terse

-- wipe() deletes every row of accounts when it runs (named with its schema:
-- since 17, CREATE MATERIALIZED VIEW runs it with search_path = pg_catalog)
CREATE FUNCTION wipe() RETURNS int LANGUAGE plpgsql AS $$ BEGIN DELETE FROM public.accounts; RETURN 1; END $$;

-- Cursors. DECLARE only plans the query: the function's DELETE is judged
-- when FETCH runs it.
BEGIN;
DECLARE over_wipe CURSOR FOR SELECT wipe();
\set VERBOSITY default
FETCH over_wipe;
\set VERBOSITY terse
ROLLBACK;
-- PostgreSQL itself refuses a data-modifying WITH in a cursor
BEGIN;
DECLARE over_cte CURSOR FOR WITH gone AS (DELETE FROM accounts RETURNING *) SELECT * FROM gone;
ROLLBACK;
-- PL/pgSQL: a FOR loop over DELETE ... RETURNING, a cursor opened on dynamic
-- SQL, a cursor over the function
DO $$ DECLARE r record; BEGIN FOR r IN DELETE FROM accounts RETURNING * LOOP END LOOP; END $$;
DO $$ DECLARE c refcursor; BEGIN OPEN c FOR EXECUTE 'DELETE FROM accounts RETURNING *'; END $$;
DO $$ DECLARE c refcursor; r record; BEGIN OPEN c FOR SELECT wipe(); FETCH c INTO r; END $$;
-- ... while a cursor that names one row runs
BEGIN;
DECLARE one_row CURSOR FOR SELECT * FROM accounts ORDER BY id FOR UPDATE;
FETCH one_row;
DELETE FROM accounts WHERE CURRENT OF one_row;
ROLLBACK;

-- CREATE TABLE AS, SELECT INTO and materialized views over a function that
-- deletes, or over a data-modifying WITH
CREATE TABLE copied AS SELECT wipe();
SELECT wipe() INTO copied;
CREATE TABLE copied AS WITH gone AS (DELETE FROM accounts RETURNING *) SELECT * FROM gone;
CREATE MATERIALIZED VIEW copied AS SELECT wipe();

-- Views over a protected table. A DELETE or UPDATE without WHERE through a
-- view is refused whatever the view filters; with WHERE it is a row change
-- (as on the table itself), not a schema change.
CREATE VIEW vault_all AS SELECT * FROM vault;
CREATE VIEW vault_some AS SELECT * FROM vault WHERE id > 0;
DELETE FROM vault_all;
DELETE FROM vault_some;
UPDATE vault_all SET secret = 'x';
DELETE FROM vault_all WHERE true;
-- a rule on a view whose action deletes every row is refused when created;
-- one that deletes the row asked for is fine
CREATE VIEW vault_ids AS SELECT id FROM vault;
CREATE RULE vault_ids_delete AS ON DELETE TO vault_ids DO INSTEAD DELETE FROM vault;
CREATE RULE vault_ids_update AS ON UPDATE TO vault_ids DO INSTEAD DELETE FROM vault WHERE true;
CREATE RULE vault_ids_delete AS ON DELETE TO vault_ids DO INSTEAD DELETE FROM vault WHERE vault.id = old.id;
-- an INSTEAD OF trigger's statements are judged when it fires
CREATE FUNCTION vault_wipe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM vault; RETURN OLD; END $$;
CREATE VIEW vault_triggered AS SELECT id FROM vault;
CREATE TRIGGER vault_triggered_delete INSTEAD OF DELETE ON vault_triggered FOR EACH ROW EXECUTE FUNCTION vault_wipe();
DELETE FROM vault_triggered WHERE id = 1;
SELECT attempt('DELETE FROM vault_triggered WHERE id = 1');
-- replacing a view over a protected table changes the view, not the table
CREATE OR REPLACE VIEW vault_all AS SELECT id, secret, 1 AS one FROM vault;
-- a "_RETURN" rule turns an empty table into a view: on a protected table,
-- refused
CREATE TABLE vault_empty (id int);
SELECT migsafe_protect('vault_empty', 'bypass tests');
CREATE RULE "_RETURN" AS ON SELECT TO vault_empty DO INSTEAD SELECT 1::int AS id;
SELECT count(*) FROM vault;

-- ONLY changes the protected table alone: still a change to it
ALTER TABLE ONLY vault ADD COLUMN note text;
TRUNCATE ONLY vault;
-- inheritance children are protected with their parent, also those added
-- later (under a window that names the parent); adding or removing one is a
-- change to the parent
CREATE TABLE vault_heir () INHERITS (vault);
CREATE TABLE vault_adopted (id int, secret text);
ALTER TABLE vault_adopted INHERIT vault;
SELECT migsafe_open_window('5 minutes', 'add a child', ARRAY['vault']) AS w \gset
CREATE TABLE vault_heir () INHERITS (vault);
INSERT INTO vault_heir VALUES (3, 'c');
SELECT migsafe_close_window(:w);
DROP TABLE vault_heir;
TRUNCATE vault_heir;
ALTER TABLE vault_heir ADD COLUMN extra int;
ALTER TABLE vault_heir NO INHERIT vault;
-- partitions: created after the protection, and partitions of partitions
CREATE TABLE ledger (id int, amount int) PARTITION BY RANGE (id);
CREATE TABLE ledger_low PARTITION OF ledger FOR VALUES FROM (0) TO (10) PARTITION BY RANGE (id);
CREATE TABLE ledger_low_a PARTITION OF ledger_low FOR VALUES FROM (0) TO (5);
INSERT INTO ledger VALUES (1, 1);
SELECT migsafe_protect('ledger', 'bypass tests');
DROP TABLE ledger_low_a;
TRUNCATE ledger_low_a;
ALTER TABLE ledger_low DETACH PARTITION ledger_low_a;
SELECT migsafe_open_window('5 minutes', 'add a partition', ARRAY['ledger']) AS w \gset
CREATE TABLE ledger_high PARTITION OF ledger FOR VALUES FROM (10) TO (20);
INSERT INTO ledger VALUES (10, 1);
SELECT migsafe_close_window(:w);
DROP TABLE ledger_high;
TRUNCATE ledger_high;
-- attaching a protected table to another parent changes it
CREATE TABLE holder (id int, secret text) PARTITION BY RANGE (id);
CREATE TABLE vault_solo (id int, secret text);
SELECT migsafe_protect('vault_solo', 'bypass tests');
ALTER TABLE holder ATTACH PARTITION vault_solo FOR VALUES FROM (0) TO (100);

-- A protected child of a parent that is not protected: statements on the
-- parent recurse into children and partitions (no ONLY), so each is refused
-- as protected-table on the child, also under an approval that names only
-- the parent; with ONLY the child is left alone and the statement runs.
CREATE TABLE family (id int, note text, extra int);
CREATE TABLE family_kept () INHERITS (family);
INSERT INTO family VALUES (2, 'parent', 2);
INSERT INTO family_kept VALUES (1, 'kept', 1);
CREATE TABLE split (id int, extra int) PARTITION BY RANGE (id);
CREATE TABLE split_kept PARTITION OF split FOR VALUES FROM (0) TO (10);
INSERT INTO split VALUES (1, 1);
SELECT migsafe_protect('family_kept', 'bypass tests');
SELECT migsafe_protect('split_kept', 'bypass tests');
ALTER TABLE family ADD COLUMN added int;
ALTER TABLE split ADD COLUMN added int;
ALTER TABLE family ALTER COLUMN note SET NOT NULL;
CREATE INDEX ON split (id);
SELECT attrelid::regclass AS changed, attname FROM pg_attribute
WHERE attrelid IN ('family_kept'::regclass, 'split_kept'::regclass) AND attname = 'added' ORDER BY 1;
SELECT migsafe_approve('parents_only', 'bypass tests', '1 hour', ARRAY['family', 'split']) IS NOT NULL;
SET migsafe.approved_migration = 'parents_only';
TRUNCATE family;
TRUNCATE split;
ALTER TABLE family DROP COLUMN extra;
ALTER TABLE split DROP COLUMN extra;
BEGIN;
TRUNCATE ONLY family;
CREATE INDEX ON ONLY split (id);
ROLLBACK;
SELECT (SELECT count(*) FROM family_kept) AS family_kept_rows, (SELECT count(*) FROM split_kept) AS split_kept_rows;
-- what the guard does see: dropping the parent drops the protected child
DROP TABLE family CASCADE;
DROP TABLE split;
RESET migsafe.approved_migration;

-- Temporary tables: a temporary table of the same name as a protected one
-- is another table (pg_temp comes first unless search_path places it);
-- a search_path that places pg_temp after public reaches the protected one
CREATE TEMP TABLE vault (id int);
ALTER TABLE vault ADD COLUMN note text;
SET search_path = public, pg_temp;
ALTER TABLE vault ADD COLUMN note text;
SET search_path = pg_temp, public;
ALTER TABLE public.vault ADD COLUMN note text;
RESET search_path;
-- dropping it drops the session's own temporary table: it runs, and the
-- protected one stays (guard_temporary)
DROP TABLE pg_temp.vault;
SELECT count(*) AS vault FROM public.vault;
-- "VAULT" quoted is another name: no such table
ALTER TABLE "VAULT" ADD COLUMN note text;

-- Names in a scoped approval or window. Each name is resolved when the
-- approval is given, in the approver's search_path, to the relation it names
-- then; the guard compares relations by that OID. A protected table cannot be
-- renamed without an approval that names it ...
-- (Each table below that a DROP must not lose holds a row: dropping an
-- empty table is only a review finding.)
CREATE TABLE scratch (id int, note text);
INSERT INTO scratch VALUES (1, 'n');
SELECT migsafe_approve('drop_scratch', 'bypass tests', '1 hour', ARRAY['scratch']) IS NOT NULL;
SELECT migsafe_approve('scratch_note', 'bypass tests', '1 hour', ARRAY['scratch.note']) IS NOT NULL;
SELECT migsafe_approve('not_yet', 'bypass tests', '1 hour', ARRAY['later']) IS NOT NULL;
SET migsafe.approved_migration = 'drop_scratch';
ALTER TABLE scratch RENAME TO scratch_old;
ALTER TABLE vault RENAME TO scratch;
-- ... and another table renamed to an approved name is not the table the
-- approval named, while review findings are allowed (with review_action =
-- block the rename itself is refused)
\set VERBOSITY default
BEGIN;
ALTER TABLE accounts RENAME TO scratch;
DROP TABLE scratch;
ROLLBACK;
\set VERBOSITY terse
SET migsafe.review_action = block;
ALTER TABLE accounts RENAME TO scratch;
SET migsafe.review_action = allow;
-- the table it named, under its new name, is still covered
BEGIN;
ALTER TABLE scratch_old DROP COLUMN note;
ROLLBACK;
-- a column's name: only that column of the table it named
CREATE TABLE notebook (id int, note text);
SET migsafe.approved_migration = 'scratch_note';
BEGIN;
ALTER TABLE notebook RENAME TO scratch;
ALTER TABLE scratch DROP COLUMN note;
ROLLBACK;
BEGIN;
ALTER TABLE scratch_old DROP COLUMN note;
ROLLBACK;
-- a name that named nothing when approved covers no table created under it
SET migsafe.approved_migration = 'not_yet';
CREATE TABLE later (id int);
INSERT INTO later VALUES (1);
DROP TABLE later;
-- (created in the same transaction, a table is new: no finding at all)
BEGIN;
CREATE TABLE later_too (id int);
DROP TABLE later_too;
COMMIT;
-- search_path shadowing: "scratch" in an earlier schema is another table
SET migsafe.approved_migration = 'drop_scratch';
ALTER TABLE scratch_old RENAME TO scratch;
CREATE SCHEMA shadow;
CREATE TABLE shadow.scratch (id int);
INSERT INTO shadow.scratch VALUES (1);
SET search_path = shadow, public;
DROP TABLE scratch;
-- ... and a name is resolved in the approver's search_path, not the
-- migration's
SELECT migsafe_approve('shadow_scratch', 'bypass tests', '1 hour', ARRAY['scratch']) IS NOT NULL;
RESET search_path;
SET migsafe.approved_migration = 'shadow_scratch';
BEGIN;
DROP TABLE scratch;
ROLLBACK;
BEGIN;
DROP TABLE shadow.scratch;
ROLLBACK;
-- the same for a window, in every session
RESET migsafe.approved_migration;
SELECT migsafe_open_window('5 minutes', 'bypass tests', ARRAY['scratch']) AS w \gset
BEGIN;
ALTER TABLE scratch RENAME TO scratch_old;
ALTER TABLE accounts RENAME TO scratch;
DROP TABLE scratch;
ROLLBACK;
SELECT migsafe_close_window(:w);
-- A schema's name covers what the schema holds when the statement runs (a
-- container, by design: name tables for a narrow approval). Moving a table
-- into it is a rename (rename-table), refused under review_action = block.
SELECT migsafe_approve('shadow_schema', 'bypass tests', '1 hour', ARRAY['shadow']) IS NOT NULL;
SET migsafe.approved_migration = 'shadow_schema';
SET migsafe.review_action = block;
ALTER TABLE accounts SET SCHEMA shadow;
SET migsafe.review_action = allow;
BEGIN;
ALTER TABLE accounts SET SCHEMA shadow;
DROP TABLE shadow.accounts;
ROLLBACK;
RESET migsafe.approved_migration;

-- Cascades
-- a function dropped with CASCADE takes a generated column: refused
CREATE FUNCTION twice(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2';
CREATE TABLE generated (id int, doubled int GENERATED ALWAYS AS (twice(id)) STORED);
DROP FUNCTION twice(int) CASCADE;
-- ... a column default only: the column and its data stay (by design)
CREATE FUNCTION one() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE TABLE defaulted (id int, n int DEFAULT one());
DROP FUNCTION one() CASCADE;
SELECT attname, atthasdef FROM pg_attribute WHERE attrelid = 'defaulted'::regclass AND attnum > 0 ORDER BY attnum;
-- a domain or a collation dropped with CASCADE takes columns
CREATE DOMAIN positive AS int CHECK (VALUE > 0);
CREATE COLLATION bypass_collation (provider = icu, locale = 'und');
CREATE TABLE typed (id int, n positive, name text COLLATE bypass_collation);
DROP DOMAIN positive CASCADE;
DROP COLLATION bypass_collation CASCADE;
-- TRUNCATE ... CASCADE also empties the tables whose foreign keys reference
-- it, and those referencing them: each table reached needs the approval,
-- and a protected one an approval that names it
CREATE TABLE referenced (id int PRIMARY KEY);
CREATE TABLE referencing (id int PRIMARY KEY REFERENCES referenced);
CREATE TABLE referencing_further (id int REFERENCES referencing);
INSERT INTO referenced VALUES (1);
INSERT INTO referencing VALUES (1);
INSERT INTO referencing_further VALUES (1);
SELECT migsafe_approve('referenced_only', 'bypass tests', '1 hour', ARRAY['referenced']) IS NOT NULL;
SELECT migsafe_approve('two_of_three', 'bypass tests', '1 hour', ARRAY['referenced', 'referencing'])
    IS NOT NULL;
SELECT migsafe_approve('all_three', 'bypass tests', '1 hour',
                       ARRAY['referenced', 'referencing', 'referencing_further']) IS NOT NULL;
SET migsafe.approved_migration = 'referenced_only';
\set VERBOSITY default
TRUNCATE referenced CASCADE;
\set VERBOSITY terse
SET migsafe.approved_migration = 'two_of_three';
TRUNCATE referenced CASCADE;
-- without CASCADE PostgreSQL refuses it itself; the approval for all three
-- lets CASCADE run
SET migsafe.approved_migration = 'all_three';
TRUNCATE referenced;
BEGIN;
TRUNCATE referenced CASCADE;
SELECT count(*) AS referencing_further_rows FROM referencing_further;
ROLLBACK;
-- a protected table reached needs an approval that names it: its schema
-- covers the truncate findings, not the protected table
SELECT migsafe_protect('referencing', 'bypass tests');
SELECT migsafe_approve('schema_only', 'bypass tests', '1 hour', ARRAY['referenced', 'public']) IS NOT NULL;
SET migsafe.approved_migration = 'schema_only';
TRUNCATE referenced CASCADE;
SET migsafe.approved_migration = 'referenced_only';
TRUNCATE referenced CASCADE;
SELECT count(*) AS referencing_rows FROM referencing;
DELETE FROM referencing_further WHERE id = 1;
RESET migsafe.approved_migration;
-- a DELETE with WHERE whose foreign keys cascade runs (by design: DML with
-- WHERE is a row change, and ON DELETE CASCADE is the schema's decision)
CREATE TABLE cascading (id int REFERENCES referenced ON DELETE CASCADE);
INSERT INTO cascading VALUES (1);
DELETE FROM referencing WHERE id = 1;
DELETE FROM referenced WHERE id = 1;
SELECT count(*) AS cascading_rows FROM cascading;

-- nothing that was refused changed anything
SELECT count(*) AS accounts FROM accounts;
SELECT count(*) AS vault FROM vault;
SELECT attrelid::regclass AS tab, attname FROM pg_attribute
WHERE attrelid IN ('vault'::regclass, 'vault_heir'::regclass, 'generated'::regclass, 'typed'::regclass)
  AND attnum > 0 AND NOT attisdropped ORDER BY 1, attnum;

SET migsafe.mode = off;
DROP TABLE accounts, vault, vault_empty, vault_adopted, ledger, holder, vault_solo, family, split,
    scratch, notebook, later, generated, defaulted, typed, referenced, referencing, referencing_further, cascading CASCADE;
DROP SCHEMA shadow CASCADE;
DROP DOMAIN positive;
DROP COLLATION bypass_collation;
DROP FUNCTION wipe(), vault_wipe(), twice(int);
TRUNCATE migsafe.protected_tables, migsafe.approvals, migsafe.windows, migsafe.audit_log;
