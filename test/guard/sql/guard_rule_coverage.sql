-- Rules whose database answer reads the catalog: validate-in-same-transaction
-- knows a constraint the running transaction added NOT VALID, also when the
-- statements arrive one at a time; migsafe.enable_rules switches opt-in
-- rules on and refuses anything else. review_action = block, so that each
-- finding is a refusal, which must leave the table as it was.
CREATE TABLE orders (id bigint PRIMARY KEY, total int);
INSERT INTO orders VALUES (1, 10), (2, 20);
SET migsafe.mode = enforce;
SET migsafe.review_action = block;
\set VERBOSITY terse

-- validate-in-same-transaction: ADD ... NOT VALID, then VALIDATE, one
-- statement at a time in one transaction: refused, nothing left behind
BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
ROLLBACK;
SELECT count(*) AS constraints FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'c';
-- the same in a subtransaction that was released: still the transaction's own
BEGIN;
SAVEPOINT s;
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
RELEASE SAVEPOINT s;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
ROLLBACK;
-- a foreign key too
CREATE TABLE customers (id bigint PRIMARY KEY);
INSERT INTO customers VALUES (1);
ALTER TABLE orders ADD COLUMN customer_id bigint;
CREATE INDEX CONCURRENTLY orders_customer_id ON orders (customer_id);
BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fkey;
ROLLBACK;
-- two transactions, the safe form: both run, and the constraint is validated
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'c';
-- validating it again, in a transaction that did not add it: no finding
BEGIN;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
COMMIT;
-- a table the transaction created is exempt
BEGIN;
CREATE TABLE fresh (a int);
ALTER TABLE fresh ADD CONSTRAINT fresh_a CHECK (a > 0) NOT VALID;
ALTER TABLE fresh VALIDATE CONSTRAINT fresh_a;
ROLLBACK;
-- migsafe_check() reads the script: one query, one transaction
SELECT rule, object FROM migsafe_check($$ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT c;$$);
SELECT * FROM orders ORDER BY id;

-- add-primary-key USING INDEX: instant when the index's columns are NOT NULL
-- already; otherwise PostgreSQL sets them NOT NULL, scanning the table
CREATE TABLE accounts (id bigint, code text NOT NULL);
INSERT INTO accounts VALUES (1, 'a'), (2, 'b');
CREATE UNIQUE INDEX CONCURRENTLY accounts_id ON accounts (id);
CREATE UNIQUE INDEX CONCURRENTLY accounts_code ON accounts (code);
ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_id;
SELECT conname FROM pg_constraint WHERE conrelid = 'accounts'::regclass AND contype = 'p';
SELECT attnotnull FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'id';
ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_code;
SELECT conname FROM pg_constraint WHERE conrelid = 'accounts'::regclass AND contype = 'p';
-- migsafe_check(): a SET NOT NULL earlier in the script counts
SELECT rule, object, message FROM migsafe_check($$ALTER TABLE accounts ALTER COLUMN id SET NOT NULL;
ALTER TABLE accounts ADD CONSTRAINT accounts_pkey2 PRIMARY KEY USING INDEX accounts_id;$$);
SELECT rule, object, message FROM migsafe_check('ALTER TABLE accounts ADD CONSTRAINT accounts_pkey2 PRIMARY KEY USING INDEX accounts_id');

-- foreign-key-without-index: the catalog's indexes count. orders has an
-- index on customer_id; a foreign key on an unindexed column is refused.
ALTER TABLE orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders ADD COLUMN referrer_id bigint;
ALTER TABLE orders ADD CONSTRAINT orders_referrer_fkey FOREIGN KEY (referrer_id) REFERENCES customers (id) NOT VALID;
SELECT conname FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'f' ORDER BY conname;
-- a partial index does not count; an index starting with the column does
CREATE INDEX CONCURRENTLY orders_referrer_partial ON orders (referrer_id) WHERE referrer_id IS NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_referrer_fkey FOREIGN KEY (referrer_id) REFERENCES customers (id) NOT VALID;
CREATE INDEX CONCURRENTLY orders_referrer_total ON orders (referrer_id, total);
ALTER TABLE orders ADD CONSTRAINT orders_referrer_fkey FOREIGN KEY (referrer_id) REFERENCES customers (id) NOT VALID;
SELECT conname FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'f' ORDER BY conname;
-- statement by statement, a new table's index comes after its CREATE TABLE:
-- the guard leaves the table to the statements after it (one transaction:
-- migsafe.session_script_window is 0 here)
BEGIN;
CREATE TABLE order_notes (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));
CREATE INDEX order_notes_order_id ON order_notes (order_id);
COMMIT;
-- migsafe_check() reads the whole script: the index after it counts, none is a finding
SELECT rule, object FROM migsafe_check($$CREATE TABLE notes2 (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));
CREATE INDEX ON notes2 (order_id);$$);
SELECT rule, object FROM migsafe_check('CREATE TABLE notes3 (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id))');
SELECT rule, object FROM migsafe_check('ALTER TABLE orders ADD CONSTRAINT c FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID');

-- migsafe.enable_rules: only opt-in rules, by id
SET migsafe.enable_rules = 'drop-table';
SET migsafe.enable_rules = 'no-such-rule';
SET migsafe.enable_rules = 'int-primary-key, missing-lock-timeout';
SHOW migsafe.enable_rules;
SET migsafe.enable_rules = 'int-primary-key';
CREATE TABLE ids (id serial PRIMARY KEY);
SELECT to_regclass('ids') AS not_created;
SELECT rule, object FROM migsafe_check('CREATE TABLE ids (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY)');
CREATE TABLE big_ids (id bigserial PRIMARY KEY);
RESET migsafe.enable_rules;
CREATE TABLE ids (id serial PRIMARY KEY);
SELECT rule FROM migsafe_check('CREATE TABLE ids2 (id int PRIMARY KEY)');
-- an application role cannot change it
CREATE ROLE coverage_app;
SET ROLE coverage_app;
SET migsafe.enable_rules = '';
RESET ROLE;
DROP ROLE coverage_app;
SET migsafe.mode = off;
DROP TABLE ids, big_ids, order_notes, orders, customers, accounts;
TRUNCATE migsafe.audit_log;
