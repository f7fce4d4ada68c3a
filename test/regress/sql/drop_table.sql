-- drop-table: DROP TABLE (each table named) and DROP MATERIALIZED VIEW of a
-- table that existed before the script.
\pset null '(null)'

SELECT statement, line, col, rule, severity, object, message FROM migsafe_check('DROP TABLE users');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('DROP TABLE IF EXISTS users');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('drop table public.users cascade');
SELECT message FROM migsafe_check('DROP TABLE users CASCADE');
SELECT message FROM migsafe_check('DROP TABLE users RESTRICT');
-- each table named is one finding
SELECT statement, line, col, rule, severity, object FROM migsafe_check('DROP TABLE a, app.b, "C", "select", "we""ird"');
-- Prisma's style
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
-- DropTable
DROP TABLE "Skill";

-- DropTable
DROP TABLE "_SkillToUser";
$sql$);
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('DROP MATERIALIZED VIEW IF EXISTS reports.monthly_totals');
SELECT statement, rule, object FROM migsafe_check('DROP MATERIALIZED VIEW a, b CASCADE');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('DROP TABLE t; DROP TABLE t');
SELECT migsafe_verdict('DROP TABLE IF EXISTS t');

-- Tables created earlier in the same script hold no data yet: dropping them passes.
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE TABLE staging (id int);
CREATE INDEX ON staging (id);
INSERT INTO staging VALUES (1);
DROP TABLE staging;
$sql$);
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE TABLE public.t1 (id int);
CREATE TABLE t2 AS SELECT 1 AS id;
SELECT 1 AS id INTO t3;
CREATE UNLOGGED TABLE t4 (id int);
CREATE TEMP TABLE t5 (id int);
CREATE MATERIALIZED VIEW mv AS SELECT 1 AS id;
CREATE TABLE t6 PARTITION OF parent FOR VALUES IN (6);
DROP TABLE t1, public.t2, t3, t4, t5, t6;
DROP MATERIALIZED VIEW mv;
$sql$);
-- A table created in the script and renamed is still new under its new name.
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE TABLE tmp_import (id int);
ALTER TABLE tmp_import RENAME TO tmp_import_done;
DROP TABLE tmp_import_done;
$sql$);

-- ... but only the table created: other schemas, other case, other names fire.
SELECT statement, line, col, rule, object FROM migsafe_check($sql$
CREATE TABLE app.t (id int);
CREATE TABLE "T" (id int);
DROP TABLE t;
DROP TABLE app.t;
DROP TABLE T;
DROP TABLE "T";
$sql$);
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE TABLE new_one (id int);
DROP TABLE new_one, old_one;
$sql$);
-- dropped before it is created: the first DROP removes the existing table
SELECT statement, rule, object FROM migsafe_check($sql$
DROP TABLE IF EXISTS t;
CREATE TABLE t (id int);
DROP TABLE t;
$sql$);
-- an existing table renamed stays an existing table
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE users RENAME TO users_old;
CREATE TABLE users (id int);
DROP TABLE users;
DROP TABLE users_old;
$sql$);
-- CREATE TABLE ... (LIKE t) copies no rows and does not make t new
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE TABLE t_copy (LIKE t INCLUDING ALL);
DROP TABLE t;
$sql$);

-- Near misses: other DROPs are not drop-table.
SELECT statement, rule, object FROM migsafe_check($sql$
DROP VIEW v;
DROP SEQUENCE s;
DROP FUNCTION f();
DROP TRIGGER trg ON t;
DROP POLICY pol ON t;
DROP RULE r ON t;
DROP ROLE alice;
DROP TABLESPACE ts;
DROP COLLATION c;
DROP FOREIGN TABLE ft;
$sql$);
