-- Privileges: the state is written only through the functions; EXECUTE on
-- them is granted by a DBA to the roles that may approve.
CREATE TABLE reports (id int);
INSERT INTO reports VALUES (1);
GRANT ALL ON reports TO migsafe_app;
SET migsafe.mode = enforce;
\set VERBOSITY terse

SET ROLE migsafe_app;
SELECT migsafe_approve('self_approval', 'r');
SELECT migsafe_revoke('self_approval');
SELECT migsafe_open_window('1 hour', 'r');
SELECT migsafe_close_window();
SELECT migsafe_protect('reports', 'r');
SELECT migsafe_unprotect('reports');
INSERT INTO migsafe.approvals (migration, reason, approved_by, approved_at, valid_until)
VALUES ('forged', 'r', 'x', now(), now() + interval '1 hour');
INSERT INTO migsafe.windows (reason, opened_by, opened_at, closes_at) VALUES ('forged', 'x', now(), now() + interval '1 hour');
DELETE FROM migsafe.protected_tables;
UPDATE migsafe.audit_log SET statement = 'nothing' WHERE true;
SELECT count(*) FROM migsafe.audit_log;
-- anyone may read the status and check SQL
SELECT count(*) > 0 AS status FROM migsafe_status();
SELECT rule FROM migsafe_check('DROP TABLE reports');
-- a role cannot reach the state through a function of its own either
CREATE FUNCTION sneaky() RETURNS void LANGUAGE sql SECURITY DEFINER AS
    $$ INSERT INTO migsafe.windows (reason, opened_by, opened_at, closes_at) VALUES ('x', 'x', now(), now() + interval '1 hour') $$;
SELECT sneaky();
DROP FUNCTION sneaky();
RESET ROLE;
-- an operator of the role's own in search_path does not run inside the
-- guard's look-ups (they run with search_path pg_catalog, pg_temp)
SELECT migsafe_approve('legit', 'an approval the forged operator would match') IS NOT NULL;
SET ROLE migsafe_app;
CREATE FUNCTION public.always_true(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.always_true);
SET search_path = public, pg_catalog;
SELECT 'a'::text = 'b'::text AS forged_equal;
SET migsafe.approved_migration = 'no_such_approval';
TRUNCATE reports;
RESET search_path;
RESET migsafe.approved_migration;
DROP OPERATOR public.= (text, text);
DROP FUNCTION public.always_true(text, text);
RESET ROLE;

-- the documented GRANTs make an approver
GRANT EXECUTE ON FUNCTION migsafe_approve(text, text, interval, text[]), migsafe_revoke(text),
    migsafe_open_window(interval, text, text[]), migsafe_close_window(bigint),
    migsafe_protect(regclass, text), migsafe_unprotect(regclass) TO migsafe_dba;
SET ROLE migsafe_dba;
SELECT migsafe_approve('reports_reset', 'approved by the DBA', '1 hour', ARRAY['reports']) IS NOT NULL;
RESET ROLE;
SET ROLE migsafe_app;
SET migsafe.approved_migration = 'reports_reset';
TRUNCATE reports;
RESET migsafe.approved_migration;
RESET ROLE;
SELECT migration, approved_by FROM migsafe.approvals;
SELECT session_role, acting_role, rules, approval FROM migsafe.audit_log;

SET migsafe.mode = off;
DROP TABLE reports;
REVOKE ALL ON FUNCTION migsafe_approve(text, text, interval, text[]), migsafe_revoke(text),
    migsafe_open_window(interval, text, text[]), migsafe_close_window(bigint),
    migsafe_protect(regclass, text), migsafe_unprotect(regclass) FROM migsafe_dba;
TRUNCATE migsafe.approvals, migsafe.audit_log;
