-- The guard guards itself: only an approval or window that names migsafe
-- lets these statements through.
SET migsafe.mode = enforce;
\set VERBOSITY terse

-- the state holds rows, as on a server in use: a protected table, an
-- approval, an audit row
CREATE TABLE kept (id int);
SELECT migsafe_protect('kept', 'self-protection test');
SELECT migsafe_approve('earlier_migration', 'self-protection test') IS NOT NULL;
SET migsafe.mode = warn;
ALTER TABLE kept ADD COLUMN note text;
SET migsafe.mode = enforce;

DROP EXTENSION migsafe;
DROP EVENT TRIGGER migsafe_sql_drop;
ALTER EVENT TRIGGER migsafe_table_rewrite DISABLE;
ALTER EVENT TRIGGER migsafe_ddl_command_start ENABLE REPLICA;
ALTER EVENT TRIGGER migsafe_sql_drop ENABLE;
ALTER EVENT TRIGGER migsafe_sql_drop RENAME TO something_else;
ALTER EXTENSION migsafe DROP TABLE migsafe.audit_log;
ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';
ALTER SYSTEM RESET shared_preload_libraries;
ALTER SYSTEM SET migsafe.mode = 'warn';
ALTER SYSTEM RESET ALL;
-- direct writes to the state, by its owner: refused
INSERT INTO migsafe.windows (reason, opened_by, opened_at, closes_at) VALUES ('forged', 'x', now(), now() + interval '1 year');
UPDATE migsafe.approvals SET valid_until = now() + interval '1 year' WHERE true;
DELETE FROM migsafe.audit_log WHERE id < 100;
TRUNCATE migsafe.audit_log;
ALTER TABLE migsafe.audit_log DISABLE TRIGGER ALL;
CREATE RULE skip_audit AS ON INSERT TO migsafe.audit_log DO INSTEAD NOTHING;
SET search_path = migsafe, public;
INSERT INTO windows (reason, opened_by, opened_at, closes_at) VALUES ('forged', 'x', now(), now() + interval '1 year');
WITH forged AS (INSERT INTO approvals (migration, reason, approved_by, approved_at, valid_until)
                VALUES ('forged', 'r', 'x', now(), now() + interval '1 year') RETURNING id)
SELECT count(*) FROM forged;
RESET search_path;
SELECT attempt('DELETE FROM migsafe.protected_tables WHERE true');
SELECT count(*) AS forged FROM migsafe.windows WHERE reason = 'forged';
-- the event triggers are still there and enabled always
SELECT evtname, evtenabled FROM pg_event_trigger WHERE evtname LIKE 'migsafe%' ORDER BY evtname;
-- what stays allowed: updating the extension, reading the state, stricter settings
ALTER EXTENSION migsafe UPDATE;
SELECT count(*) >= 0 AS readable FROM migsafe.audit_log;
ALTER SYSTEM SET migsafe.review_action = 'block';
ALTER SYSTEM RESET migsafe.review_action;

-- a window without objects, or naming something else, is not enough ...
SELECT migsafe_open_window('5 minutes', 'maintenance') AS w \gset
ALTER EVENT TRIGGER migsafe_table_rewrite DISABLE;
SELECT migsafe_close_window(:w);
SELECT migsafe_approve('not_migsafe', 'r', '1 hour', ARRAY['migsafe.audit_log']) IS NOT NULL;
SET migsafe.approved_migration = 'not_migsafe';
DELETE FROM migsafe.audit_log WHERE id < 0;
-- ... one that names migsafe is, and it is audited (and logged)
SELECT migsafe_approve('tune_migsafe', 'switch the rewrite trigger off for the bulk load (CHG-7)', '1 hour', ARRAY['migsafe']) IS NOT NULL;
SET migsafe.approved_migration = 'tune_migsafe';
ALTER EVENT TRIGGER migsafe_table_rewrite DISABLE;
SELECT name, detail FROM migsafe_status() WHERE name LIKE '%table_rewrite';
ALTER EVENT TRIGGER migsafe_table_rewrite ENABLE ALWAYS;
RESET migsafe.approved_migration;
SELECT rules, objects, outcome, approval FROM migsafe.audit_log ORDER BY id;

-- fail closed: with a state table gone, every statement the guard must
-- check against its state is refused, with an error that says how to
-- repair; statements no rule concerns still run
CREATE TABLE victim (id int);
INSERT INTO victim VALUES (1);
BEGIN;
SET LOCAL migsafe.mode = off;  -- the guard would refuse breaking its state
ALTER EXTENSION migsafe DROP TABLE migsafe.protected_tables;
DROP TABLE migsafe.protected_tables;
SET LOCAL migsafe.mode = enforce;
SAVEPOINT broken;
\set VERBOSITY default
TRUNCATE victim;
\set VERBOSITY terse
ROLLBACK TO SAVEPOINT broken;
ALTER TABLE victim ADD COLUMN note text;
ROLLBACK TO SAVEPOINT broken;
SELECT count(*) AS victims FROM victim;
INSERT INTO victim VALUES (1);
ROLLBACK;
SELECT count(*) AS protected_tables_kept FROM migsafe.protected_tables;

SET migsafe.mode = off;
DROP TABLE victim, kept;
TRUNCATE migsafe.audit_log, migsafe.approvals, migsafe.windows, migsafe.protected_tables;
