-- Maintenance windows: per database, for every session, until they close
-- or expire.
CREATE TABLE sessions (id int);
CREATE TABLE carts (id int);
INSERT INTO sessions VALUES (1), (2);
INSERT INTO carts VALUES (1);
SET migsafe.mode = enforce;
\set VERBOSITY terse

-- validation
SELECT migsafe_open_window('0', 'r');
SELECT migsafe_open_window('-5 minutes', 'r');
SELECT migsafe_open_window(NULL, 'r');
SELECT migsafe_open_window('5 minutes', '');
SELECT migsafe_open_window('5 minutes', 'r', ARRAY['']);
SELECT migsafe_close_window(424242);

TRUNCATE sessions;
SELECT migsafe_open_window('5 minutes', 'quarterly clean-up') AS window_id \gset
TRUNCATE sessions;
-- another session of this database sees the window
\c -
SET migsafe.mode = enforce;
\set VERBOSITY terse
INSERT INTO sessions VALUES (3);
DELETE FROM sessions;
SELECT item, regexp_replace(detail, '\d{4}-\d\d-\d\d [0-9:.+]+', '<time>') AS detail FROM migsafe_status() WHERE item = 'window';
SELECT migsafe_close_window(:window_id);
SELECT migsafe_close_window(:window_id);
-- (a row again: emptying a table that holds none needs no window)
INSERT INTO sessions VALUES (4);
DELETE FROM sessions;

-- a window for some objects
SELECT migsafe_open_window('5 minutes', 'carts only', ARRAY['carts']) IS NOT NULL;
TRUNCATE carts;
TRUNCATE sessions;
INSERT INTO carts VALUES (2);
TRUNCATE carts, sessions;

-- expired windows close themselves
SELECT migsafe_close_window();
SELECT migsafe_open_window('10 milliseconds', 'short') IS NOT NULL;
SELECT pg_sleep(0.05);
TRUNCATE sessions;

-- close every open window at once
SELECT migsafe_open_window('5 minutes', 'a') IS NOT NULL, migsafe_open_window('5 minutes', 'b') IS NOT NULL;
SELECT migsafe_close_window();
TRUNCATE sessions;

-- a window of another database does not count here
SELECT current_database() AS here \gset
\c postgres
SET migsafe.mode = off;
CREATE DATABASE migsafe_other_db;
\c migsafe_other_db
SET migsafe.mode = off;
CREATE EXTENSION migsafe;
SELECT migsafe_open_window('5 minutes', 'other database') IS NOT NULL;
\c :here
SET migsafe.mode = enforce;
\set VERBOSITY terse
TRUNCATE sessions;
\c postgres
SET migsafe.mode = off;
DROP DATABASE migsafe_other_db;
\c :here

SELECT reason, objects, closed_at IS NOT NULL AS closed FROM migsafe.windows ORDER BY id;
SELECT rules, objects, outcome, approval, window_ids = ARRAY[:window_id]::bigint[] AS first_window FROM migsafe.audit_log ORDER BY id;
SET migsafe.mode = off;
DROP TABLE sessions, carts;
TRUNCATE migsafe.windows, migsafe.audit_log;
