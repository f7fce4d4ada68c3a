-- The audit: every dangerous statement that runs leaves a row; what is
-- refused leaves none (its transaction aborts; the server log has it); where
-- no row can be written, the server log gets it and the statement still runs.
CREATE TABLE logs (id int);
INSERT INTO logs VALUES (1);
SET migsafe.mode = enforce;
SET application_name = 'migsafe audit test';
\set VERBOSITY terse

TRUNCATE logs;
SELECT migsafe_approve('clean_logs', 'logs are exported nightly', '1 hour', ARRAY['logs']) IS NOT NULL;
SET migsafe.approved_migration = 'clean_logs';
TRUNCATE logs;
RESET migsafe.approved_migration;
INSERT INTO logs VALUES (2);
SELECT migsafe_open_window('5 minutes', 'clean-up') AS w \gset
DELETE FROM logs;
SELECT migsafe_close_window(:w);
-- (each DELETE below meets a row: emptying a table that holds none is no
-- finding)
INSERT INTO logs VALUES (3);
SET migsafe.mode = warn;
DELETE FROM logs;
SET migsafe.mode = enforce;

SELECT session_role = session_user AS session_role, acting_role = current_user AS acting_role,
       database_name = current_database() AS database, application_name,
       backend_pid = pg_backend_pid() AS pid, statement, rules, objects, mode, outcome, approval,
       cardinality(window_ids) AS windows
FROM migsafe.audit_log ORDER BY id;

-- the acting role is the one that ran the statement
GRANT ALL ON logs TO migsafe_app;
INSERT INTO logs VALUES (4);
SET migsafe.mode = warn;
SET ROLE migsafe_app;
DELETE FROM logs;
RESET ROLE;
SELECT session_role = session_user AS session_role, acting_role FROM migsafe.audit_log ORDER BY id DESC LIMIT 1;
INSERT INTO logs VALUES (5);

-- a read-only transaction: the statement's outcome is unchanged (here the
-- server refuses the write itself), and no row is attempted
BEGIN READ ONLY;
DELETE FROM logs;
ROLLBACK;
SELECT count(*) AS rows_after_read_only FROM migsafe.audit_log;
-- a rolled-back statement leaves no row either
BEGIN;
DELETE FROM logs;
ROLLBACK;
SELECT count(*) AS rows_after_rollback FROM migsafe.audit_log;

SET migsafe.mode = off;
DROP TABLE logs;
TRUNCATE migsafe.audit_log, migsafe.approvals, migsafe.windows;
