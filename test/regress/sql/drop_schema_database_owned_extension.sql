-- drop-schema, drop-database, drop-owned, drop-extension.
\pset null '(null)'

-- drop-schema: with or without CASCADE, one finding per schema.
SELECT statement, line, col, rule, severity, object, message FROM migsafe_check('DROP SCHEMA app');
SELECT statement, line, col, rule, severity, object, message FROM migsafe_check('DROP SCHEMA IF EXISTS app CASCADE');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('DROP SCHEMA a, "B", "drop" RESTRICT');
SELECT hint FROM migsafe_check('DROP SCHEMA app');
-- a schema created earlier in the script holds no existing data
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE SCHEMA scratch;
CREATE TABLE scratch.t (id int);
DROP SCHEMA scratch CASCADE;
$sql$);
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE SCHEMA scratch AUTHORIZATION CURRENT_USER CREATE TABLE t (id int);
DROP SCHEMA scratch CASCADE;
$sql$);
-- ... but only that schema, matched exactly (quoted names keep their case)
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE SCHEMA "Scratch";
DROP SCHEMA scratch, "Scratch", other;
$sql$);
-- dropping an existing schema before creating one of that name still fires
SELECT statement, rule, object FROM migsafe_check($sql$
DROP SCHEMA legacy CASCADE;
CREATE SCHEMA legacy;
DROP SCHEMA legacy;
$sql$);

-- drop-database
SELECT statement, line, col, rule, severity, object, message FROM migsafe_check('DROP DATABASE prod');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('DROP DATABASE IF EXISTS "Prod" WITH (FORCE)');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('DROP DATABASE prod (FORCE)');
SELECT hint FROM migsafe_check('DROP DATABASE prod');

-- drop-owned: one finding per role, at the role's name
SELECT statement, line, col, rule, severity, object, message FROM migsafe_check('DROP OWNED BY app_user');
SELECT statement, line, col, rule, severity, object
FROM migsafe_check('DROP OWNED BY alice, CURRENT_USER, "Bob", SESSION_USER, CURRENT_ROLE CASCADE');
-- REASSIGN OWNED, the safe first step, is no finding
SELECT statement, line, col, rule, severity, object
FROM migsafe_check('REASSIGN OWNED BY old_role TO new_role; DROP ROLE old_role');

-- drop-extension: one finding per extension, CASCADE said in the message
SELECT statement, line, col, rule, severity, object, message FROM migsafe_check('DROP EXTENSION hstore');
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('DROP EXTENSION IF EXISTS postgis, "uuid-ossp" CASCADE');
-- creating, altering or commenting on an extension is no finding
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE EXTENSION IF NOT EXISTS pgcrypto;
ALTER EXTENSION pgcrypto UPDATE;
COMMENT ON EXTENSION pgcrypto IS 'DROP EXTENSION pgcrypto';
$sql$);

-- all four in one script
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
DROP EXTENSION citext;
DROP OWNED BY etl;
DROP SCHEMA etl CASCADE;
DROP DATABASE etl_scratch;
$sql$);
SELECT migsafe_verdict('DROP OWNED BY etl'), migsafe_verdict('DROP EXTENSION citext'),
       migsafe_verdict('DROP DATABASE x'), migsafe_verdict('DROP SCHEMA x');
