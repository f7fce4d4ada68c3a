-- In the database the transaction is the script: what was created or added
-- earlier in the same transaction holds no older data, so dropping or
-- filling it is not dangerous. Outside the transaction it is.
CREATE TABLE orders (id int PRIMARY KEY, total int);
INSERT INTO orders VALUES (1, 10);
SET migsafe.mode = enforce;
SET migsafe.review_action = warn;
\set VERBOSITY terse

BEGIN;
CREATE TABLE staging (id int);
INSERT INTO staging VALUES (1);
DELETE FROM staging;
TRUNCATE staging;
CREATE INDEX staging_id ON staging (id);
DROP INDEX staging_id;
DROP TABLE staging;
COMMIT;

-- the Prisma pattern: add a column, backfill it, in one migration: a review
-- finding (batch it on big tables), not data loss
BEGIN;
ALTER TABLE orders ADD COLUMN currency text;
UPDATE orders SET currency = 'EUR';
ALTER TABLE orders DROP COLUMN currency;
COMMIT;
-- the same UPDATE in its own transaction overwrites existing data
ALTER TABLE orders ADD COLUMN currency text;
UPDATE orders SET currency = 'EUR';
-- ADD COLUMN IF NOT EXISTS of an existing column adds nothing
BEGIN;
ALTER TABLE orders ADD COLUMN IF NOT EXISTS currency text;
UPDATE orders SET currency = 'USD';
ROLLBACK;
-- one UPDATE that mixes a new and an old column overwrites the old one
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
UPDATE orders SET note = 'x', total = 0;
ROLLBACK;

-- a table created in an earlier transaction is an existing table (with a
-- row: dropping an empty one is only a review finding)
CREATE TABLE staging (id int);
INSERT INTO staging VALUES (1);
DROP TABLE staging;
-- savepoints: what a rolled-back savepoint created is gone; what is created
-- after it is new; an old table stays old
BEGIN;
SAVEPOINT s;
CREATE TABLE staging2 (id int);
ALTER TABLE orders ADD COLUMN tmp text;
ROLLBACK TO SAVEPOINT s;
CREATE TABLE staging2 (id int);
DROP TABLE staging2;
UPDATE orders SET total = 0;
ROLLBACK;
BEGIN;
SAVEPOINT s;
DROP TABLE staging;
ROLLBACK TO SAVEPOINT s;
ROLLBACK;
-- a table renamed in the transaction is still the old table
BEGIN;
CREATE TABLE fresh (id int);
ALTER TABLE orders RENAME TO orders_old;
DROP TABLE orders_old;
ROLLBACK;
-- a new table that takes an old name is new
BEGIN;
ALTER TABLE staging RENAME TO staging_old;
CREATE TABLE staging (id int);
DROP TABLE staging;
ROLLBACK;

SELECT count(*) FROM orders;
SET migsafe.mode = off;
DROP TABLE orders, staging;
