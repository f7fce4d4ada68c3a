-- drop-index, drop-type (DROP TYPE and DROP DOMAIN): review findings.
\pset null '(null)'

SELECT statement, line, col, rule, severity, object, message FROM migsafe_check('DROP INDEX users_email_idx');
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('DROP INDEX CONCURRENTLY IF EXISTS app."User_email_key"');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('DROP INDEX a_idx, app.b_idx CASCADE');
SELECT hint FROM migsafe_check('DROP INDEX i');
-- Prisma's style
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
-- DropIndex
DROP INDEX "User_email_key";
$sql$);
-- indexes created earlier in the script may go (in the table's schema)
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
CREATE INDEX tmp_idx ON users (email);
CREATE UNIQUE INDEX CONCURRENTLY app_tmp_idx ON app.users (email);
DROP INDEX tmp_idx;
DROP INDEX public.tmp_idx;
DROP INDEX app.app_tmp_idx;
DROP INDEX app_tmp_idx;
$sql$);
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
CREATE INDEX build_idx ON users (email);
ALTER INDEX build_idx RENAME TO users_email_idx;
DROP INDEX users_email_idx;
DROP INDEX build_idx_old;
$sql$);
-- near misses
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE INDEX CONCURRENTLY users_name_idx ON users (name);
REINDEX INDEX users_name_idx;
ALTER INDEX users_name_idx SET (fillfactor = 90);
DROP INDEX users_name_idx;
$sql$);

-- drop-type
SELECT statement, line, col, rule, severity, object, message FROM migsafe_check('DROP TYPE mood');
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('DROP TYPE IF EXISTS app."Role", public.status CASCADE');
SELECT statement, line, col, rule, severity, object, message FROM migsafe_check('DROP DOMAIN email_address');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('DROP DOMAIN IF EXISTS d1, app.d2 RESTRICT');
SELECT hint FROM migsafe_check('DROP TYPE t');
-- Prisma's enum change
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
-- AlterEnum
CREATE TYPE "Role_new" AS ENUM ('USER', 'ADMIN');
ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "Role_old";
$sql$);
-- types created earlier in the script may go: enum, composite, range, domain, base
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
CREATE TYPE e AS ENUM ('a');
CREATE TYPE c AS (x int, y int);
CREATE TYPE r AS RANGE (subtype = int4);
CREATE DOMAIN d AS int CHECK (VALUE > 0);
CREATE TYPE shell;
CREATE TYPE app.e2 AS ENUM ('b');
DROP TYPE e, c, r, shell, app.e2;
DROP DOMAIN public.d;
DROP TYPE e2;
$sql$);
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
CREATE DOMAIN tmp_d AS text;
ALTER DOMAIN tmp_d RENAME TO final_d;
DROP DOMAIN final_d;
$sql$);
-- near misses
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh';
DROP CAST IF EXISTS (text AS mood);
DROP OPERATOR IF EXISTS === (int, int);
DROP TEXT SEARCH CONFIGURATION IF EXISTS cfg;
$sql$);
SELECT migsafe_verdict('DROP INDEX i'), migsafe_verdict('DROP TYPE t'), migsafe_verdict('DROP DOMAIN d');

-- In this database: CREATE INDEX ... ON ONLY a partitioned table builds
-- nothing (the parent's index stays invalid until the partitions' indexes,
-- built CONCURRENTLY, are attached); without ONLY, or ON ONLY a plain
-- table, it builds under a SHARE lock.
CREATE TABLE parted (id int, name text) PARTITION BY RANGE (id);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
CREATE TABLE plain_t (id int, name text);
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE INDEX parted_name_idx ON ONLY parted (name);
CREATE INDEX parted_name_idx ON parted (name);
CREATE INDEX plain_name_idx ON ONLY plain_t (name);
$sql$);
DROP TABLE parted, plain_t;
