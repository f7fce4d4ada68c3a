-- The event triggers: what a cascade dropped, and table rewrites by size.
-- (The ddl_command_start trigger's own verdicts, in sessions where the hooks
-- did not see a statement, are tested without preload: test/integration.)
SET migsafe.mode = enforce;
SET migsafe.review_action = warn;
\set VERBOSITY terse

SELECT evtname, evtevent, evtenabled FROM pg_event_trigger WHERE evtname LIKE 'migsafe%' ORDER BY evtname;

-- sql_drop: a statement that looks harmless drops columns of a type
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE people (id int, feeling mood);
INSERT INTO people VALUES (1, 'ok');
SET migsafe.review_action = allow;
DROP TYPE mood CASCADE;
SELECT attname FROM pg_attribute WHERE attrelid = 'people'::regclass AND attnum > 0 AND NOT attisdropped;
-- ... and a view's materialized dependants
CREATE MATERIALIZED VIEW people_summary AS SELECT count(*) FROM people;
CREATE VIEW people_view AS SELECT id FROM people;
CREATE MATERIALIZED VIEW people_view_summary AS SELECT count(*) FROM people_view;
DROP VIEW people_view CASCADE;
-- a protected table reached by a cascade is protected-table as well
CREATE SCHEMA archive;
CREATE TABLE archive.kept (id int);
SELECT migsafe_protect('archive.kept', 'seven years of invoices');
SELECT migsafe_open_window('5 minutes', 'drop the archive schema', ARRAY['archive']) AS w \gset
DROP SCHEMA archive CASCADE;
SELECT attempt('DROP SCHEMA archive CASCADE');
SELECT migsafe_close_window(:w);
-- naming its schema is not enough; naming the protected table itself is
SELECT migsafe_open_window('5 minutes', 'drop the archive schema', ARRAY['archive', 'archive.kept']) AS w \gset
BEGIN;
DROP SCHEMA archive CASCADE;
ROLLBACK;
SELECT migsafe_close_window(:w);
-- the approval covers what the cascade reaches when it names it, its table
-- or its schema
SELECT migsafe_approve('drop_mood', 'feelings are no longer tracked', '1 hour', ARRAY['mood', 'people']) IS NOT NULL;
SET migsafe.approved_migration = 'drop_mood';
DROP TYPE mood CASCADE;
RESET migsafe.approved_migration;
SELECT attname FROM pg_attribute WHERE attrelid = 'people'::regclass AND attnum > 0 AND NOT attisdropped;
-- temporary tables are not reported
CREATE TEMP TABLE scratch (id int);
CREATE TYPE tmp_kind AS ENUM ('a');
CREATE TEMP TABLE scratch2 (k tmp_kind);
DROP TYPE tmp_kind CASCADE;
-- session_replication_role = replica does not silence the event triggers
CREATE TYPE mood2 AS ENUM ('ok');
ALTER TABLE people ADD COLUMN feeling2 mood2;
SET session_replication_role = replica;
DROP TYPE mood2 CASCADE;
RESET session_replication_role;
SELECT rules, objects, outcome FROM migsafe.audit_log ORDER BY id;

-- table_rewrite: a rewrite of a small table is a review finding; of a table
-- larger than migsafe.max_rewrite_size, a dangerous one
SET migsafe.review_action = warn;
CREATE TABLE events (id int, payload text);
INSERT INTO events SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g;
ALTER TABLE events ALTER COLUMN id TYPE bigint;
SET migsafe.max_rewrite_size = '64kB';
ALTER TABLE events ALTER COLUMN id TYPE numeric;
SELECT attempt('ALTER TABLE events ALTER COLUMN id TYPE numeric');
SET migsafe.max_rewrite_size = -1;
ALTER TABLE events ALTER COLUMN id TYPE numeric;
RESET migsafe.max_rewrite_size;
-- no rewrite, no finding: a binary-compatible change
ALTER TABLE events ALTER COLUMN payload TYPE varchar;
-- a table created in the same transaction is rewritten without a word
BEGIN;
CREATE TABLE fresh (id int);
INSERT INTO fresh VALUES (1);
ALTER TABLE fresh ALTER COLUMN id TYPE bigint;
COMMIT;
-- the message names the table, its size and the reason (a table just
-- filled: its size is the same on every major, unlike one rewritten above)
CREATE TABLE logbook (id int, payload text);
INSERT INTO logbook SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g;
SET migsafe.max_rewrite_size = '64kB';
\set VERBOSITY default
ALTER TABLE logbook ADD COLUMN created timestamptz DEFAULT clock_timestamp();
\set VERBOSITY terse
SELECT migsafe_approve('events_bigint', 'ids run out next month', '1 hour', ARRAY['events']) IS NOT NULL;
-- numeric to bigint can lose values too: the approval covers both findings
SET migsafe.approved_migration = 'events_bigint';
ALTER TABLE events ALTER COLUMN id TYPE bigint;
RESET migsafe.approved_migration;
RESET migsafe.max_rewrite_size;
SELECT rules, objects, outcome, approval FROM migsafe.audit_log
 WHERE rules && ARRAY['large-table-rewrite', 'alter-column-type'] ORDER BY id;

-- the event trigger functions refuse to be called directly
SELECT migsafe.on_sql_drop();

SET migsafe.mode = off;
DROP TABLE people, events, fresh, logbook CASCADE;
DROP SCHEMA archive CASCADE;
TRUNCATE migsafe.audit_log, migsafe.approvals, migsafe.windows, migsafe.protected_tables;
