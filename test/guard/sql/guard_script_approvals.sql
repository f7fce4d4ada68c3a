-- Approvals by content: migsafe_approve_script() approves the statements of
-- a reviewed script, in any session, with no setting on the client. Each
-- class of way around it is tested: an edited statement, a statement added
-- beside an approved one, another search_path, a protected table, single
-- use, revocation, expiry, privileges; and refusals leave the rows intact.
CREATE TABLE sa_legacy (id int PRIMARY KEY, note text);
CREATE TABLE sa_users (id int PRIMARY KEY, legacy_id int, name text);
CREATE TABLE sa_events (id int);
INSERT INTO sa_legacy VALUES (1, 'a'), (2, 'b');
INSERT INTO sa_users VALUES (1, 10, 'ann'), (2, 20, 'bob');
INSERT INTO sa_events VALUES (1), (2), (3);
CREATE SCHEMA sa_other;
CREATE TABLE sa_other.sa_legacy (id int);
INSERT INTO sa_other.sa_legacy VALUES (7);
SET migsafe.mode = enforce;
\set VERBOSITY terse

-- bad input
SELECT * FROM migsafe_approve_script(NULL, 'r');
SELECT * FROM migsafe_approve_script('', 'r');
SELECT * FROM migsafe_approve_script('-- only a comment', 'r');
SELECT * FROM migsafe_approve_script('DROP TABLE', 'r');
SELECT * FROM migsafe_approve_script('DROP TABLE sa_legacy', ' ');
SELECT * FROM migsafe_approve_script('DROP TABLE sa_legacy', 'r', '-1 hour');
SELECT * FROM migsafe_approve_script('DROP TABLE sa_legacy', 'r', '1 hour', ARRAY['a b']);
SELECT * FROM migsafe_approve_script('DROP TABLE sa_legacy', 'r', '1 hour', NULL, NULL);
SELECT count(*) AS script_approvals FROM migsafe.script_approvals;

-- a Prisma-style script: comments, quoted names, several statements
SELECT approval > 0 AS approved, script_sha256, statements, with_findings, valid_until > now() AS valid
FROM migsafe_approve_script($script$-- DropTable
DROP TABLE "sa_legacy";

-- AlterTable
ALTER TABLE sa_users DROP COLUMN legacy_id;
-- CreateIndex
CREATE INDEX sa_users_name ON sa_users (name);
$script$, 'reviewed in PR 42');
SELECT script_sha256 = encode(sha256(convert_to($script$-- DropTable
DROP TABLE "sa_legacy";

-- AlterTable
ALTER TABLE sa_users DROP COLUMN legacy_id;
-- CreateIndex
CREATE INDEX sa_users_name ON sa_users (name);
$script$, 'UTF8')), 'hex') AS sha256_is_the_files FROM migsafe.script_approvals;
SELECT ordinal, rules, objects, object_relids FROM migsafe.script_statements ORDER BY ordinal;
SELECT item, left(name, 12) AS sha, regexp_replace(detail, '\d{4}-\d\d-\d\d [0-9:]+', '<time>') AS detail
FROM migsafe_status() WHERE item = 'script approval';

-- an edited statement is not approved, and changes nothing
SELECT attempt('ALTER TABLE sa_users DROP COLUMN name');
-- nor is a statement sent beside an approved one
ALTER TABLE sa_users DROP COLUMN legacy_id\; ALTER TABLE sa_users DROP COLUMN name;
SELECT * FROM sa_users ORDER BY id;
-- nor the same text reaching another table through the search_path
SET search_path = sa_other, public;
SELECT attempt('DROP TABLE "sa_legacy"');
RESET search_path;
SELECT count(*) AS other_rows FROM sa_other.sa_legacy;

-- white space, comments, keyword case and quoting the grammar ignores: approved
alter   table SA_USERS /* reviewed */ drop
    column "legacy_id"  ;
SELECT 1 AS before\; DROP TABLE sa_legacy\; SELECT 2 AS after;
SELECT to_regclass('sa_legacy') IS NULL AS dropped;
SELECT outcome, statement, approval, script_approval > 0 AS by_script, length(script_sha256) AS sha_length, rules
FROM migsafe.audit_log WHERE script_approval IS NOT NULL ORDER BY id;
SELECT ordinal, runs, last_run_at IS NOT NULL AS ran FROM migsafe.script_statements ORDER BY ordinal;

-- statements not in any approved script stay refused
SELECT attempt('TRUNCATE sa_events');
SELECT count(*) AS events FROM sa_events;

-- single use: each statement runs once
SELECT statements FROM migsafe_approve_script('DELETE FROM sa_events; DROP TABLE sa_events CASCADE;',
                                              'one-off cleanup', single_use => true);
DELETE FROM sa_events;
INSERT INTO sa_events VALUES (4);
SELECT attempt('DELETE FROM sa_events');
SELECT count(*) AS events_left FROM sa_events;

-- revocation: by the script's SHA-256
SELECT migsafe_revoke_script(encode(sha256('DELETE FROM sa_events; DROP TABLE sa_events CASCADE;'), 'hex'));
SELECT migsafe_revoke_script(encode(sha256('DELETE FROM sa_events; DROP TABLE sa_events CASCADE;'), 'hex'));
SELECT attempt('DROP TABLE sa_events CASCADE');
SELECT count(*) AS events_left FROM sa_events;

-- expiry
SELECT statements FROM migsafe_approve_script('TRUNCATE sa_events', 'short', '10 milliseconds');
SELECT pg_sleep(0.05);
SELECT attempt('TRUNCATE sa_events');
SELECT count(*) AS events_left FROM sa_events;

-- a protected table needs an approval that names it
SELECT migsafe_protect('sa_users', 'customer data');
SELECT statements FROM migsafe_approve_script('ALTER TABLE sa_users DROP COLUMN name', 'unnamed');
SELECT attempt('ALTER TABLE sa_users DROP COLUMN name');
SELECT statements FROM migsafe_approve_script('ALTER TABLE sa_users DROP COLUMN name', 'named', objects => ARRAY['sa_users']);
SELECT attempt('ALTER TABLE sa_users DROP COLUMN name');
SELECT migsafe_unprotect('sa_users');

-- privileges: approving is a privilege; the state tables are not writable
SET ROLE migsafe_app;
SELECT * FROM migsafe_approve_script('TRUNCATE sa_events', 'me');
SELECT migsafe_revoke_script('00');
INSERT INTO migsafe.script_statements (approval, ordinal, fingerprint, statement, rules) VALUES (1, 9, 'x', 'x', '{}');
RESET ROLE;
SELECT attempt($$UPDATE migsafe.script_approvals SET valid_until = 'infinity'$$);

SET migsafe.mode = off;
DROP TABLE IF EXISTS sa_users, sa_events, sa_other.sa_legacy;
DROP SCHEMA sa_other;
