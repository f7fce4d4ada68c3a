-- Tables that hold no row: emptying one loses nothing and runs, dropping
-- one is a review finding (code that still uses it fails). A table holds no
-- row when it has no page, or when a scan with a dirty snapshot (committed
-- rows, and rows other transactions have not committed yet) finds none in
-- its first 1024 pages, over the whole family. Each table here was created
-- in an earlier transaction: it is not new.
SET migsafe.mode = enforce;
\set VERBOSITY terse

SET migsafe.mode = off;
-- (autovacuum off where pages must stay: it would cut empty ones back)
CREATE TABLE emptied (id int, note text) WITH (autovacuum_enabled = false);
INSERT INTO emptied SELECT g, 'n' || g FROM generate_series(1, 1000) g;
DELETE FROM emptied;
CREATE TABLE filled (id int, note text);
INSERT INTO filled VALUES (1, 'kept');
CREATE VIEW emptied_view AS SELECT * FROM emptied;
CREATE TABLE parted (k int, note text) PARTITION BY LIST (k);
CREATE TABLE parted_0 PARTITION OF parted FOR VALUES IN (0);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES IN (1);
INSERT INTO parted VALUES (0, 'gone'), (1, 'kept');
DELETE FROM parted WHERE k = 0;
CREATE TABLE parted_empty (k int) PARTITION BY LIST (k);
CREATE TABLE parted_empty_0 PARTITION OF parted_empty FOR VALUES IN (0);
CREATE TABLE heir_parent (id int);
CREATE TABLE heir (id int) INHERITS (heir_parent);
INSERT INTO heir VALUES (1);
DELETE FROM heir;
CREATE MATERIALIZED VIEW unpopulated AS SELECT 1 AS id WITH NO DATA;
CREATE TABLE vault (id int);
SELECT migsafe_protect('vault', 'empty-table tests');
CREATE FOREIGN DATA WRAPPER nowhere;
CREATE SERVER nowhere_server FOREIGN DATA WRAPPER nowhere;
CREATE FOREIGN TABLE remote (id int) SERVER nowhere_server;
CREATE TABLE dead_only (id int) WITH (autovacuum_enabled = false);
INSERT INTO dead_only VALUES (1), (2);
DELETE FROM dead_only;
-- more dead pages than a look reads
CREATE TABLE long_dead (id int) WITH (autovacuum_enabled = false);
INSERT INTO long_dead SELECT generate_series(1, 250000);
DELETE FROM long_dead;
SET migsafe.mode = enforce;
SELECT pg_relation_size('emptied') > 0 AS emptied_has_pages,
       pg_relation_size('long_dead') / current_setting('block_size')::int > 1024 AS long_dead_past_the_limit;

-- pages with dead rows only: DELETE, UPDATE and TRUNCATE run, through a
-- view too; the SHARE lock taken on the empty family is held to the end
BEGIN;
DELETE FROM emptied;
SELECT mode FROM pg_locks WHERE relation = 'emptied'::regclass AND pid = pg_backend_pid() ORDER BY mode;
UPDATE emptied SET note = 'x';
DELETE FROM emptied_view;
COMMIT;
TRUNCATE emptied;
TRUNCATE parted_0;
DELETE FROM parted_0;
TRUNCATE heir_parent;
DELETE FROM heir_parent;

-- one committed row: refused, and the row stays as it was
TRUNCATE filled;
DELETE FROM filled;
UPDATE filled SET note = 'lost';
DROP TABLE filled;
SELECT * FROM filled;
-- a partitioned table with one partition that holds a row: refused
TRUNCATE parted;
DELETE FROM parted;
UPDATE parted SET note = 'lost';
DROP TABLE parted;
SELECT * FROM parted;
-- a plan PostgreSQL keeps (PREPARE, a PL/pgSQL statement) made while the
-- table held no row is analysed and judged again before it next runs: once
-- the table holds a row, it is refused
SET migsafe.mode = off;
CREATE TABLE cached (id int);
CREATE FUNCTION wipe_cached() RETURNS void LANGUAGE plpgsql AS $$BEGIN DELETE FROM cached; END$$;
SET migsafe.mode = enforce;
PREPARE wipe AS DELETE FROM cached;
EXECUTE wipe;
SELECT wipe_cached();
INSERT INTO cached VALUES (1);
EXECUTE wipe;
SELECT wipe_cached();
SELECT * FROM cached;
DEALLOCATE wipe;
-- a row this transaction inserted counts
BEGIN;
INSERT INTO emptied VALUES (1, 'mine');
TRUNCATE emptied;
ROLLBACK;
-- past the pages a look reads: "cannot know", judged as holding rows; once
-- VACUUM has cut the empty pages off, the table has none and it runs
TRUNCATE long_dead;
SET migsafe.mode = off;
VACUUM long_dead;
SET migsafe.mode = enforce;
SELECT pg_relation_size('long_dead') AS long_dead_size;
TRUNCATE long_dead;
-- a foreign table's rows are elsewhere: not known, refused
TRUNCATE remote;
DELETE FROM remote;
-- a protected table is refused whatever it holds
TRUNCATE vault;
DROP TABLE vault;

-- a role that may not change the table gets no SHARE lock on it: "cannot
-- know", refused before PostgreSQL's own privilege check
SET ROLE migsafe_app;
BEGIN;
DELETE FROM dead_only;
ROLLBACK;
RESET ROLE;
-- warn mode: a table with rows is not SHARE-locked by the look
SET migsafe.mode = warn;
BEGIN;
DELETE FROM filled;
SELECT mode FROM pg_locks WHERE relation = 'filled'::regclass AND pid = pg_backend_pid() ORDER BY mode;
ROLLBACK;
SET migsafe.mode = enforce;

-- DROP of an empty table is a review finding: it follows
-- migsafe.review_action (block: it needs an approval, as dangerous ones do)
SET migsafe.review_action = block;
DROP TABLE emptied;
DROP MATERIALIZED VIEW unpopulated;
-- warn (the default): a WARNING, and it runs
RESET migsafe.review_action;
DROP VIEW emptied_view;
DROP TABLE emptied;
DROP MATERIALIZED VIEW unpopulated;
DROP TABLE heir_parent, heir;
-- an empty partitioned table: drop-table is a review, but its partitions
-- go with it, and the sql_drop layer, which cannot tell that they held no
-- row, judges each as cascade-drop
DROP TABLE parted_empty;
SELECT to_regclass('emptied') AS emptied, to_regclass('unpopulated') AS unpopulated, to_regclass('heir') AS heir;

-- migsafe_check() and migsafe_plan() say the same (dead_only: one page of
-- dead rows; filled: one row)
SELECT statement, rule, severity, object, message FROM migsafe_check($$
TRUNCATE dead_only;
DELETE FROM dead_only;
DROP TABLE dead_only;
TRUNCATE filled;
DROP TABLE filled;
$$);
SELECT statement, relation, lock_mode, rules FROM migsafe_plan($$
TRUNCATE dead_only;
UPDATE dead_only SET id = 0;
TRUNCATE filled;
UPDATE filled SET id = 0;
$$);

SET migsafe.mode = off;
SELECT migsafe_unprotect('vault');
DROP TABLE filled, parted, parted_empty, dead_only, long_dead, vault, cached;
DROP FUNCTION wipe_cached();
DROP FOREIGN TABLE remote;
DROP SERVER nowhere_server;
DROP FOREIGN DATA WRAPPER nowhere;
