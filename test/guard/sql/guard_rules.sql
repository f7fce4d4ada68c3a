-- Every rule, through the hooks: dangerous findings are refused in enforce
-- mode and run with a WARNING in warn mode; review findings follow
-- migsafe.review_action.
BEGIN;  -- one transaction: the index on a new table is no lock hazard
CREATE SCHEMA legacy;
CREATE TABLE legacy.t (id int);
INSERT INTO legacy.t VALUES (1);
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, email text, CONSTRAINT name_set CHECK (name <> ''));
INSERT INTO users VALUES (1, 'ada', 'ada@example.com'), (2, 'bob', NULL);
CREATE INDEX users_email ON users (email);
CREATE MATERIALIZED VIEW users_view AS SELECT id FROM users;
COMMIT;
CREATE TYPE mood AS ENUM ('ok', 'sad');

SET migsafe.mode = enforce;

-- The full message once: rule and object, the finding, why it is not
-- allowed, the statement, and how to get it approved. (pg_stat_statements
-- is created after it: what it mentions, with PostgreSQL 17's stats_since
-- times, is test/integration/mentions.sh's.)
DROP TABLE users;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;

\set VERBOSITY terse
-- dangerous rules, one statement each: all refused with SQLSTATE MS001
DROP TABLE users, legacy.t;
DROP MATERIALIZED VIEW users_view;
DROP DATABASE migsafe_some_database;
DROP SCHEMA legacy CASCADE;
TRUNCATE users;
DELETE FROM users;
DELETE FROM users WHERE true;
UPDATE users SET email = NULL;
ALTER TABLE users DROP COLUMN email;
ALTER TABLE users DROP CONSTRAINT name_set;
DROP OWNED BY migsafe_app;
DROP EXTENSION pg_stat_statements;
DROP EXTENSION migsafe;
SELECT attempt('TRUNCATE users');
-- nothing changed
SELECT count(*) AS users, (SELECT count(*) FROM legacy.t) AS legacy FROM users;
SELECT attname FROM pg_attribute WHERE attrelid = 'users'::regclass AND attnum > 0 ORDER BY attnum;
-- (contype 'n': 18 keeps NOT NULL constraints in pg_constraint too)
SELECT conname FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype <> 'n' ORDER BY conname;

-- alter-column-type: a type change that can change or lose stored values is
-- refused; the rows keep their values and the columns their types
CREATE TABLE prices (id int PRIMARY KEY, amount numeric(12,2), label varchar(40), sold timestamp);
INSERT INTO prices VALUES (1, 1234.56, 'first edition', '2026-11-24 13:45:10.5'), (2, 0.99, 'a', '2026-11-25 08:00');
\set VERBOSITY default
ALTER TABLE "prices" ALTER COLUMN "sold" SET DATA TYPE DATE;
\set VERBOSITY terse
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(10,0);
ALTER TABLE prices ALTER COLUMN amount TYPE integer;
ALTER TABLE prices ALTER COLUMN label TYPE varchar(5) USING substr(label, 1, 5);
ALTER TABLE prices ALTER COLUMN label TYPE varchar(10);
ALTER TABLE prices ALTER COLUMN label TYPE text USING NULL;
ALTER TABLE users ALTER COLUMN name TYPE varchar(100);
SELECT * FROM prices ORDER BY id;
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid IN ('prices'::regclass, 'users'::regclass) AND attname IN ('amount', 'label', 'sold', 'name')
 ORDER BY attrelid, attnum;
-- what keeps every value runs: in place with no finding, or with a review
-- WARNING when it rewrites the table
ALTER TABLE prices ALTER COLUMN label TYPE varchar(80);
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(14,2);
ALTER TABLE prices ALTER COLUMN id TYPE bigint USING id::bigint;
ALTER TABLE prices ALTER COLUMN sold TYPE timestamp(6);
SELECT * FROM prices ORDER BY id;

-- DROP ... IF EXISTS of what does not exist drops nothing: it runs (the
-- guard knows; migsafe_check() judges the text and still reports it)
DROP TABLE IF EXISTS no_such_table;
DROP MATERIALIZED VIEW IF EXISTS no_such_view;
DROP INDEX IF EXISTS no_such_index;
DROP SCHEMA IF EXISTS no_such_schema CASCADE;
DROP TYPE IF EXISTS no_such_type;
DROP TYPE IF EXISTS no_such_schema.no_such_type;
DROP EXTENSION IF EXISTS no_such_extension;
DROP DATABASE IF EXISTS no_such_database;
DROP TABLE IF EXISTS no_such_table, users;
DROP SCHEMA IF EXISTS legacy;
SELECT rule, object FROM migsafe_check('DROP TABLE IF EXISTS no_such_table');

-- near misses run
UPDATE users SET email = 'bob@example.com' WHERE id = 2;
DELETE FROM users WHERE id = 3;
SELECT count(*) FROM users;
CREATE TABLE scratch (a int);
INSERT INTO scratch SELECT generate_series(1, 3);
-- a comment that says DROP TABLE users; is not a statement
SELECT 'DROP TABLE users' AS text, $$TRUNCATE users$$ AS dollar;

-- a table without a single page holds no row: emptying it loses nothing and
-- runs (the table is not new: an earlier transaction created it); after one
-- INSERT the same statements are refused, and the row stays
CREATE TABLE emptied (a int);
TRUNCATE emptied;
DELETE FROM emptied;
UPDATE emptied SET a = 0;
INSERT INTO emptied VALUES (1);
TRUNCATE emptied;
DELETE FROM emptied;
UPDATE emptied SET a = 0;
SELECT count(*) AS emptied_rows, max(a) AS a FROM emptied;

-- review rules follow migsafe.review_action: warn (default) ...
ALTER TABLE scratch ALTER COLUMN a TYPE bigint;
ALTER TABLE scratch RENAME TO scratch2;
ALTER TABLE scratch2 RENAME COLUMN a TO b;
DROP INDEX users_email;
DROP TYPE mood;
DO $$ BEGIN PERFORM 1; END $$;
-- ... allow ...
SET migsafe.review_action = allow;
ALTER TABLE scratch2 RENAME TO scratch;
-- ... block: then they need an approval like dangerous ones
SET migsafe.review_action = block;
ALTER TABLE scratch RENAME TO scratch2;
CREATE INDEX CONCURRENTLY users_name ON users (name);
DROP INDEX users_name;
RESET migsafe.review_action;

-- warn mode: every dangerous rule runs, with a WARNING and an audit row
SET migsafe.mode = off;
CREATE DATABASE migsafe_warn_database;
CREATE ROLE migsafe_owner_of_nothing;
CREATE TABLE kept (id int);
INSERT INTO kept VALUES (1);
SELECT migsafe_protect('kept', 'warn-mode test');
SET migsafe.mode = warn;
ALTER TABLE users DROP CONSTRAINT name_set;
TRUNCATE legacy.t;
DELETE FROM scratch;
INSERT INTO scratch VALUES (1);
UPDATE scratch SET b = 2;
ALTER TABLE users DROP COLUMN email;
DROP MATERIALIZED VIEW users_view;
DROP SCHEMA legacy CASCADE;
DROP DATABASE migsafe_warn_database;
DROP OWNED BY migsafe_owner_of_nothing;
DROP EXTENSION pg_stat_statements;
ALTER TABLE kept ADD COLUMN note text;
DROP TABLE kept;
SELECT rules, objects, outcome, approval FROM migsafe.audit_log ORDER BY id;

-- off: nothing is judged
SET migsafe.mode = off;
DROP ROLE migsafe_owner_of_nothing;
DROP TABLE scratch, emptied;
SELECT count(*) AS audit_rows FROM migsafe.audit_log;
DROP TABLE users, prices CASCADE;
TRUNCATE migsafe.audit_log, migsafe.protected_tables;
