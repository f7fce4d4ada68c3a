-- Hook chaining: pg_stat_statements, pgaudit and set_user are loaded beside
-- migsafe (shared_preload_libraries = 'pg_stat_statements,migsafe,pgaudit,set_user')
-- and keep working; migsafe keeps judging.
SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries';
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS pgaudit;
CREATE EXTENSION IF NOT EXISTS set_user;
CREATE TABLE neighbours (id int);
INSERT INTO neighbours VALUES (3);
SET migsafe.mode = enforce;
\set VERBOSITY terse

-- pg_stat_statements counts utility statements and DML that migsafe judged
SELECT pg_stat_statements_reset() IS NOT NULL AS reset;
ALTER TABLE neighbours ADD COLUMN note text;
UPDATE neighbours SET note = 'x' WHERE id = 1;
UPDATE neighbours SET note = 'x' WHERE id = 2;
TRUNCATE neighbours;
SELECT query, calls FROM pg_stat_statements
WHERE query LIKE '%neighbours%' AND query NOT LIKE '%pg_stat_statements%' ORDER BY query;

-- pgaudit logs what runs (sent to this client here), not what migsafe refused
SET pgaudit.log = 'ddl, write';
SET pgaudit.log_client = on;
SET pgaudit.log_level = notice;
-- (\g: sent without a semicolon, which pgaudit 15 logs and 17 leaves out)
ALTER TABLE neighbours ADD COLUMN extra int\g
DELETE FROM neighbours WHERE id = 1\g
ALTER TABLE neighbours DROP COLUMN extra;
DELETE FROM neighbours;
RESET pgaudit.log;
RESET pgaudit.log_client;
RESET pgaudit.log_level;

-- set_user: switching roles works, migsafe still judges as the new role,
-- and set_user's own ProcessUtility checks still fire
GRANT ALL ON neighbours TO migsafe_app;
GRANT EXECUTE ON FUNCTION set_user(text) TO migsafe_app;
SELECT set_user('migsafe_app');
SELECT current_user;
TRUNCATE neighbours;
ALTER SYSTEM SET work_mem = '8MB';
SELECT reset_user();
SELECT current_user;

SET migsafe.mode = off;
DROP TABLE neighbours;
DROP EXTENSION set_user;
DROP EXTENSION pgaudit;
DROP EXTENSION pg_stat_statements;
