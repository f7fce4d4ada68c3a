-- Approvals: a session names one with migsafe.approved_migration; dangerous
-- statements run while it is valid and, if it lists objects, only on those.
CREATE TABLE invoices (id int PRIMARY KEY, legacy_code text, note text);
CREATE TABLE customers (id int PRIMARY KEY, old_flag boolean);
INSERT INTO invoices VALUES (1, 'A', 'n');
INSERT INTO customers VALUES (1, true);
SET migsafe.mode = enforce;
\set VERBOSITY terse

-- approve: validation of every argument
SELECT migsafe_approve('', 'reason');
SELECT migsafe_approve('m', '  ');
SELECT migsafe_approve(NULL, 'reason');
SELECT migsafe_approve('m', 'reason', '-1 hour');
SELECT migsafe_approve('m', 'reason', '0');
SELECT migsafe_approve('m', 'reason', NULL);
SELECT migsafe_approve('m', 'reason', '1 hour', ARRAY[]::text[]);
SELECT migsafe_approve('m', 'reason', '1 hour', ARRAY['invoices', NULL]);
SELECT migsafe_approve('m', 'reason', '1 hour', ARRAY['"unterminated']);
SELECT migsafe_approve('m', 'reason', '1 hour', ARRAY['a b']);
SELECT count(*) AS approvals FROM migsafe.approvals;

-- an approval for every object (but protected tables)
SELECT migsafe_approve('20261124_drop_legacy_code', 'legacy_code unused since v42') > now() AS valid;
-- without the setting nothing changes
ALTER TABLE invoices DROP COLUMN legacy_code;
SET migsafe.approved_migration = '20261124_drop_legacy_code';
ALTER TABLE invoices DROP COLUMN legacy_code;
ALTER TABLE customers DROP COLUMN old_flag;

-- unknown names are refused, and say so
SET migsafe.approved_migration = '20261124_typo';
\set VERBOSITY default
ALTER TABLE invoices DROP COLUMN note;
\set VERBOSITY terse
SELECT attempt('ALTER TABLE invoices DROP COLUMN note');

-- an approval's objects are tables (or other objects by name): the name of
-- a column alone names no table
SELECT migsafe_approve('wrong_scope', 'r', '1 hour', ARRAY['note']) IS NOT NULL;
SET migsafe.approved_migration = 'wrong_scope';
ALTER TABLE invoices DROP COLUMN note;
-- but the column written in full does
SELECT migsafe_approve('column_scope', 'r', '1 hour', ARRAY['invoices.note']) IS NOT NULL;
SET migsafe.approved_migration = 'column_scope';
BEGIN;
ALTER TABLE invoices DROP COLUMN note;
ROLLBACK;

-- object-scoped: only the listed tables (their columns and constraints)
SELECT migsafe_approve('20261124_invoices_only', 'notes move to a new table', '1 hour', ARRAY['public.invoices']) IS NOT NULL;
SET migsafe.approved_migration = '20261124_invoices_only';
TRUNCATE customers;
SELECT attempt('TRUNCATE customers');
ALTER TABLE invoices DROP COLUMN note;
-- the name as written in the approval resolves like the statement's name
SELECT migsafe_approve('quoted', 'r', '1 hour', ARRAY['"customers"']) IS NOT NULL;
SET migsafe.approved_migration = 'quoted';
DELETE FROM customers;
-- a scoped approval does not cover a statement that also touches another table
SELECT migsafe_approve('one_of_two', 'r', '1 hour', ARRAY['customers']) IS NOT NULL;
SET migsafe.approved_migration = 'one_of_two';
TRUNCATE customers, invoices;
SELECT attempt('TRUNCATE customers, invoices');

-- expired
SELECT migsafe_approve('short', 'r', '10 milliseconds') IS NOT NULL;
SELECT pg_sleep(0.05);
SET migsafe.approved_migration = 'short';
SELECT attempt('DELETE FROM invoices');

-- revoked (and approving again makes it valid again)
SELECT migsafe_approve('revocable', 'r') IS NOT NULL;
SELECT migsafe_revoke('revocable');
SET migsafe.approved_migration = 'revocable';
SELECT attempt('DELETE FROM invoices');
SELECT migsafe_revoke('revocable');
SELECT migsafe_revoke('never_approved');
SELECT migsafe_approve('revocable', 'approved again') IS NOT NULL;
DELETE FROM invoices;

-- require_registered_approval = off: the setting alone is an opt-in
SET migsafe.require_registered_approval = off;
SET migsafe.approved_migration = 'any_name_at_all';
INSERT INTO invoices VALUES (2);
DELETE FROM invoices;
RESET migsafe.require_registered_approval;
INSERT INTO invoices VALUES (3);
DELETE FROM invoices;
RESET migsafe.approved_migration;

-- the approval can come with the connection (PGOPTIONS, or options= in a URL)
SELECT current_user AS superuser \gset
\c -
SET migsafe.mode = enforce;
\set VERBOSITY terse
SHOW migsafe.approved_migration;
SELECT migsafe_approve('from_connection', 'r') IS NOT NULL;
ALTER ROLE migsafe_app SET migsafe.approved_migration = 'from_connection';
\c - migsafe_app
SHOW migsafe.approved_migration;
SHOW migsafe.mode;
CREATE TABLE app_table (id int);
INSERT INTO app_table VALUES (1);
DROP TABLE app_table;
\c - :superuser
ALTER ROLE migsafe_app RESET migsafe.approved_migration;

SELECT migration, reason, objects, revoked_at IS NOT NULL AS revoked FROM migsafe.approvals ORDER BY id;
SELECT rules, objects, outcome, approval FROM migsafe.audit_log ORDER BY id;
SET migsafe.mode = off;
DROP TABLE invoices, customers;
TRUNCATE migsafe.approvals, migsafe.audit_log;
