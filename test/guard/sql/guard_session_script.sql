-- The session is the script: what this session created in an earlier
-- transaction is new for the statements it runs next, as if the whole file
-- had run in one transaction (Prisma's driver adapters, psql -f without -1,
-- autocommitting clients). Every statement below is its own transaction.
-- Fixtures made in a session of their own stand for existing tables.
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 20) g;
CREATE TABLE archive (id int, note text);
INSERT INTO archive VALUES (1, 'kept');
\c
SET migsafe.session_script_window = '10min';
SET migsafe.mode = enforce;
SET migsafe.review_action = warn;
SET client_min_messages = warning;
\set VERBOSITY terse

-- 1. Prisma's everyday migration, statement by statement: a backfill (review)
ALTER TABLE users ADD COLUMN display_name text;
UPDATE users SET display_name = name;
SELECT count(*) AS backfilled FROM users WHERE display_name = name;
-- an existing column is overwritten: refused, and nothing changed
UPDATE users SET name = 'x';
UPDATE users SET display_name = 'y', name = 'z';
SELECT count(*) AS intact FROM users WHERE name = 'user ' || id AND display_name = name;

-- 2. a table the session created and filled: emptied, dropped, rewritten
CREATE TABLE staging (id int, note text);
INSERT INTO staging VALUES (1, 'a'), (2, 'b');
UPDATE staging SET note = 'c';
DELETE FROM staging;
INSERT INTO staging VALUES (3, 'd');
TRUNCATE staging;
ALTER TABLE staging DROP COLUMN note;
ALTER TABLE staging RENAME TO staging_renamed;  -- kept by OID, not by name
INSERT INTO staging_renamed VALUES (4);
DROP TABLE staging_renamed;

-- 3. indexes, types and schemas it created
CREATE INDEX users_name_idx ON users (name);
DROP INDEX users_name_idx;
CREATE TYPE mood AS ENUM ('ok');
DROP TYPE mood;
CREATE SCHEMA scratch_area;
CREATE TABLE scratch_area.t (id int);
INSERT INTO scratch_area.t VALUES (1);
DROP TABLE scratch_area.t;
DROP SCHEMA scratch_area;

-- 4. migsafe_check() in this session says the same
CREATE TABLE staging2 (id int);
INSERT INTO staging2 VALUES (1);
SELECT count(*) AS findings FROM migsafe_check('DROP TABLE staging2; TRUNCATE staging2');
SELECT rule, severity FROM migsafe_check('UPDATE users SET display_name = upper(name)');
SELECT rule, severity FROM migsafe_check('TRUNCATE archive');

-- 5. limits. An existing table renamed to a name the session used is not
-- the session's (OIDs, not names):
CREATE TABLE reused (id int);
DROP TABLE reused;
ALTER TABLE archive RENAME TO reused;
TRUNCATE reused;
ALTER TABLE reused RENAME TO archive;
SELECT count(*) AS archive_rows FROM archive;
-- a rolled-back transaction or savepoint created nothing
BEGIN;
CREATE TABLE ghost (id int);
ROLLBACK;
CREATE TABLE ghost (id int);  -- a new one: this is the session's
DROP TABLE ghost;
BEGIN;
SAVEPOINT s;
ALTER TABLE archive ADD COLUMN tmp text;
ROLLBACK TO SAVEPOINT s;
COMMIT;
SELECT count(*) AS tmp_columns FROM pg_attribute WHERE attrelid = 'archive'::regclass AND attname = 'tmp';
-- an existing table attached as a partition: the family is not all the session's
CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO events VALUES (1, '2026-06-01');
CREATE TABLE old_events AS SELECT 1 AS id, date '2025-06-01' AS at;
\c
SET migsafe.session_script_window = '10min';
SET client_min_messages = warning;
\set VERBOSITY terse
-- (a new session: events and old_events are existing tables now)
TRUNCATE events;
CREATE TABLE new_events (id int, at date) PARTITION BY RANGE (at);
CREATE TABLE new_events_2026 PARTITION OF new_events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO new_events VALUES (2, '2026-07-01');
TRUNCATE new_events;
INSERT INTO new_events VALUES (2, '2026-07-01');
ALTER TABLE new_events ATTACH PARTITION old_events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
TRUNCATE new_events;
DROP TABLE new_events;
SELECT count(*) AS old_events_rows FROM old_events;
-- rows frozen by VACUUM FREEZE are no one's: the table counts as existing
CREATE TABLE frozen (id int);
INSERT INTO frozen VALUES (1);
VACUUM (FREEZE) frozen;
TRUNCATE frozen;
SET migsafe.mode = off;
DROP TABLE frozen;
SET migsafe.mode = enforce;
-- a table of more than 1024 pages is not scanned: it counts as existing
CREATE TABLE big AS SELECT g AS id FROM generate_series(1, 250000) g;
SELECT pg_relation_size('big') / current_setting('block_size')::int > 1024 AS over_limit;
TRUNCATE big;
SET migsafe.mode = off;
DROP TABLE big;
SET migsafe.mode = enforce;
-- the window: an object counts for session_script_window after its commit
SET migsafe.session_script_window = '1s';
CREATE TABLE short_lived (id int);
INSERT INTO short_lived VALUES (1);
SELECT pg_sleep(1.5);
TRUNCATE short_lived;
SET migsafe.session_script_window = 0;
CREATE TABLE no_memory (id int);
INSERT INTO no_memory VALUES (1);
TRUNCATE no_memory;
BEGIN;
CREATE TABLE in_one_transaction (id int);
INSERT INTO in_one_transaction VALUES (1);
TRUNCATE in_one_transaction;
COMMIT;
-- an application role cannot lengthen the window
SET ROLE migsafe_app;
SET migsafe.session_script_window = '1h';
RESET ROLE;
