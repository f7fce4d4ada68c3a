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
-- near misses: adding, validating or renaming a constraint, dropping NOT NULL,
-- a default, or an identity
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;
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

-- one statement, three rules
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE inventory
    DROP COLUMN legacy_sku,
    DROP CONSTRAINT inventory_qty_check,
    ALTER COLUMN qty TYPE bigint;
$sql$);
