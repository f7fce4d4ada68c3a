-- drop-column, drop-constraint, alter-column-type: ALTER TABLE subcommands on
-- a table that existed before the script.
\pset null '(null)'

-- The done-when example: exactly one row.
SELECT * FROM migsafe_check('ALTER TABLE "User" DROP COLUMN "legacyId"');

-- drop-column
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('ALTER TABLE users DROP COLUMN nickname CASCADE');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('ALTER TABLE users DROP nickname');
SELECT statement, line, col, rule, severity, object
FROM migsafe_check('ALTER TABLE IF EXISTS ONLY app.users DROP COLUMN IF EXISTS nickname RESTRICT');
-- several subcommands: one finding each, mixed with harmless ones
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
-- AlterTable
ALTER TABLE "Account" DROP COLUMN "oldToken",
DROP COLUMN "oldSecret",
ADD COLUMN "tokenHash" TEXT,
ALTER COLUMN "name" SET DEFAULT '';
$sql$);
-- a column added earlier in the script, or any column of a new table, passes
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE users ADD COLUMN tmp int;
ALTER TABLE users DROP COLUMN tmp;
CREATE TABLE staging (a int, b int);
ALTER TABLE staging DROP COLUMN b;
ALTER TABLE users DROP COLUMN b;
$sql$);
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE users ADD COLUMN tmp int;
ALTER TABLE app.users DROP COLUMN tmp;
ALTER TABLE public.users DROP COLUMN tmp;
$sql$);
-- not a table: ALTER FOREIGN TABLE holds no local data
SELECT statement, rule, object FROM migsafe_check('ALTER FOREIGN TABLE remote_users DROP COLUMN nickname');
SELECT migsafe_verdict('ALTER TABLE t DROP COLUMN c');

-- drop-constraint
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('ALTER TABLE orders DROP CONSTRAINT orders_customer_fkey');
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE "Order" DROP CONSTRAINT IF EXISTS "Order_userId_fkey";
ALTER TABLE ONLY app.orders DROP CONSTRAINT positive_total CASCADE, DROP CONSTRAINT orders_pkey;
$sql$);
SELECT hint FROM migsafe_check('ALTER TABLE t DROP CONSTRAINT c');
-- constraints of a table created in the script may go
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
CREATE TABLE t (id int CONSTRAINT t_pk PRIMARY KEY);
ALTER TABLE t DROP CONSTRAINT t_pk;
$sql$);
-- the safe SET NOT NULL (docs/rules/set-not-null.md) as one script: its
-- last step drops a CHECK the NOT NULL now implies, which loses nothing;
-- one script is one transaction, so the VALIDATE is reported
SELECT statement, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE "User" ADD CONSTRAINT "User_email_not_null" CHECK ("email" IS NOT NULL) NOT VALID;
ALTER TABLE "User" VALIDATE CONSTRAINT "User_email_not_null";
ALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL;
ALTER TABLE "User" DROP CONSTRAINT "User_email_not_null";
$sql$);
-- near misses: another expression, no NOT NULL, another column, ONLY
SELECT statement, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE t ADD CONSTRAINT a_set CHECK (a IS NOT NULL AND a <> '');
ALTER TABLE t ALTER COLUMN a SET NOT NULL;
ALTER TABLE t DROP CONSTRAINT a_set;
ALTER TABLE t ADD CONSTRAINT b_set CHECK (b IS NOT NULL);
ALTER TABLE t DROP CONSTRAINT b_set;
ALTER TABLE t ADD CONSTRAINT c_set CHECK (c IS NOT NULL);
ALTER TABLE t ALTER COLUMN d SET NOT NULL;
ALTER TABLE t DROP CONSTRAINT c_set;
ALTER TABLE t ADD CONSTRAINT e_set CHECK (e IS NOT NULL);
ALTER TABLE ONLY t ALTER COLUMN e SET NOT NULL;
ALTER TABLE t DROP CONSTRAINT e_set;
$sql$);
-- In this database the catalog knows an existing constraint: a plain
-- CHECK (c IS NOT NULL) of a NOT NULL column (and, without ONLY, of every
-- child's) may go; a nullable column, a composite one, or a child's
-- nullable column may not.
CREATE TYPE nn_pair AS (a int, b int);
CREATE TABLE nn (id int, a text NOT NULL, b text, p nn_pair NOT NULL,
                 CONSTRAINT nn_a CHECK (a IS NOT NULL), CONSTRAINT nn_b CHECK (b IS NOT NULL),
                 CONSTRAINT nn_p CHECK (p IS NOT NULL), CONSTRAINT nn_a_long CHECK (a IS NOT NULL AND a <> ''));
CREATE TABLE nn_kid () INHERITS (nn);
-- (18 keeps the child's inherited NOT NULL: expected/alter_table_1.out)
ALTER TABLE nn_kid ALTER COLUMN a DROP NOT NULL;
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE nn DROP CONSTRAINT nn_a;
ALTER TABLE ONLY nn DROP CONSTRAINT nn_a;
ALTER TABLE nn DROP CONSTRAINT nn_b;
ALTER TABLE ONLY nn DROP CONSTRAINT nn_p;
ALTER TABLE ONLY nn DROP CONSTRAINT nn_a_long;
ALTER TABLE ONLY nn DROP CONSTRAINT no_such_constraint;
$sql$);
DROP TABLE nn_kid, nn;
DROP TYPE nn_pair;
-- near misses: adding, validating or renaming a constraint, dropping NOT NULL,
-- a default, or an identity
SELECT statement, rule, object FROM migsafe_check($sql$
BEGIN;
ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;
COMMIT;
ALTER TABLE t VALIDATE CONSTRAINT c;
ALTER TABLE t RENAME CONSTRAINT c TO c2;
ALTER TABLE t ALTER COLUMN a DROP NOT NULL;
ALTER TABLE t ALTER COLUMN a DROP DEFAULT;
ALTER TABLE t ALTER COLUMN id DROP IDENTITY IF EXISTS;
ALTER TABLE t ALTER COLUMN a DROP EXPRESSION;
ALTER DOMAIN positive DROP CONSTRAINT positive_check;
$sql$);

-- alter-column-type
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('ALTER TABLE users ALTER COLUMN age TYPE smallint');
-- Prisma writes SET DATA TYPE
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
-- AlterTable
ALTER TABLE "Skill" ALTER COLUMN "x" SET DATA TYPE TEXT;
$sql$);
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE t ALTER amount TYPE numeric(12, 2) USING amount::numeric(12, 2),
              ALTER COLUMN note SET DATA TYPE varchar(20) COLLATE "C";
$sql$);
SELECT hint FROM migsafe_check('ALTER TABLE t ALTER COLUMN c TYPE text');
-- a column added earlier in the script, or of a new table, passes
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE t ADD COLUMN c int;
ALTER TABLE t ALTER COLUMN c TYPE bigint;
CREATE TABLE n (a int);
ALTER TABLE n ALTER COLUMN a TYPE bigint;
ALTER TABLE n ALTER COLUMN a TYPE smallint;
ALTER TABLE t ALTER COLUMN a TYPE bigint;
$sql$);
-- near misses: other ALTER COLUMN forms
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE t ALTER COLUMN a SET DEFAULT 0;
ALTER TABLE t ALTER COLUMN a SET STATISTICS 1000;
ALTER TABLE t ALTER COLUMN a SET STORAGE EXTERNAL;
ALTER TABLE t ALTER COLUMN a SET COMPRESSION lz4;
ALTER TYPE mood ADD VALUE 'meh';
ALTER TABLE t ADD COLUMN "DROP COLUMN" text;
$sql$);
SELECT migsafe_verdict('ALTER TABLE t ALTER COLUMN c TYPE text');
SELECT migsafe_verdict('ALTER TABLE t ALTER COLUMN c TYPE date');
-- Offline the column's type is unknown: a new type that holds less than the
-- types usually changed to it, or a USING that computes new values, is
-- dangerous.
SELECT statement, severity, message FROM migsafe_check($sql$
ALTER TABLE t ALTER COLUMN v TYPE varchar(2) USING substr(v, 1, 2);
ALTER TABLE t ALTER COLUMN v TYPE text USING NULL;
ALTER TABLE "X" ALTER COLUMN "d" SET DATA TYPE DATE;
ALTER TABLE t ALTER COLUMN v TYPE integer;
ALTER TABLE t ALTER COLUMN v TYPE timestamp(3);
ALTER TABLE t ALTER COLUMN v TYPE bigint USING v::bigint;
ALTER TABLE t ALTER COLUMN v TYPE timestamptz;
$sql$);

-- In a database that has the column, the conversion is judged from its type
-- and the new one, as PostgreSQL converts them.
CREATE TYPE shade AS ENUM ('light', 'dark');
CREATE DOMAIN short_text AS varchar(10);
CREATE TABLE conversions (
    code varchar(40), name varchar(20), note text, amount numeric(12,2), price numeric(10,2), n int,
    big bigint, ratio float8, taken timestamp, taken_at timestamptz, day date, coarse timestamp(0),
    doc json, colour shade, label short_text);
SELECT statement, severity, message FROM migsafe_check($sql$
ALTER TABLE conversions ALTER COLUMN code TYPE varchar(20);
ALTER TABLE conversions ALTER COLUMN name TYPE varchar(40);
ALTER TABLE conversions ALTER COLUMN name TYPE text;
ALTER TABLE conversions ALTER COLUMN note TYPE varchar(20);
ALTER TABLE conversions ALTER COLUMN amount TYPE numeric(10,0);
ALTER TABLE conversions ALTER COLUMN price TYPE numeric(12,2);
ALTER TABLE conversions ALTER COLUMN price TYPE numeric(12,3);
ALTER TABLE conversions ALTER COLUMN n TYPE bigint;
ALTER TABLE conversions ALTER COLUMN n TYPE bigint USING n::bigint;
ALTER TABLE conversions ALTER COLUMN n TYPE smallint;
ALTER TABLE conversions ALTER COLUMN n TYPE double precision;
ALTER TABLE conversions ALTER COLUMN n TYPE numeric;
ALTER TABLE conversions ALTER COLUMN big TYPE int;
ALTER TABLE conversions ALTER COLUMN ratio TYPE real;
ALTER TABLE conversions ALTER COLUMN ratio TYPE numeric;
ALTER TABLE "conversions" ALTER COLUMN "taken" SET DATA TYPE DATE;
ALTER TABLE conversions ALTER COLUMN taken_at TYPE timestamp;
ALTER TABLE conversions ALTER COLUMN taken TYPE timestamptz;
ALTER TABLE conversions ALTER COLUMN taken TYPE timestamp(3);
ALTER TABLE conversions ALTER COLUMN coarse TYPE timestamp(3);
ALTER TABLE conversions ALTER COLUMN day TYPE timestamp;
ALTER TABLE conversions ALTER COLUMN doc TYPE jsonb USING doc::jsonb;
ALTER TABLE conversions ALTER COLUMN colour TYPE text;
ALTER TABLE conversions ALTER COLUMN label TYPE varchar(5);
ALTER TABLE conversions ALTER COLUMN label TYPE varchar(20);
ALTER TABLE conversions ALTER COLUMN code TYPE varchar(2) USING substr(code, 1, 2);
ALTER TABLE conversions ALTER COLUMN note TYPE text USING NULL;
ALTER TABLE conversions ALTER COLUMN no_such_column TYPE date;
$sql$);

-- one statement, three rules
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE inventory
    DROP COLUMN legacy_sku,
    DROP CONSTRAINT inventory_qty_check,
    ALTER COLUMN qty TYPE bigint;
$sql$);
