-- alter-domain-add-constraint, rename-enum-value, identifier-too-long in the
-- database: the catalog tells whether any table column stores a domain.
\pset null '(null)'
-- The domains below are created by this session: with no session script
-- window they count as existing ones, as for a migration run later.
SET migsafe.session_script_window = 0;

CREATE DOMAIN zip_used AS text;
CREATE DOMAIN zip_unused AS text;
CREATE DOMAIN zip_nested AS text;
CREATE DOMAIN zip_inner AS zip_nested;           -- a domain over a domain
CREATE DOMAIN zip_in_array AS text;
CREATE DOMAIN zip_in_view AS text;
CREATE DOMAIN zip_in_composite AS text;
CREATE TABLE addresses (id int, zip zip_used, billing_zip zip_used, inner_zip zip_inner,
                        zips zip_in_array[]);
CREATE TABLE shipments (id int, zip zip_used);
CREATE VIEW zip_view AS SELECT 'x'::zip_in_view AS zip;
CREATE TYPE zip_pair AS (a zip_in_composite, b text);

-- Used by three columns of two tables: a finding that counts them.
SELECT statement, rule, severity, object, message FROM migsafe_check($sql$
ALTER DOMAIN zip_used ADD CONSTRAINT five CHECK (length(VALUE) = 5);
ALTER DOMAIN zip_used SET NOT NULL;
$sql$);
-- Used by no column: it checks nothing, no finding.
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER DOMAIN zip_unused ADD CONSTRAINT five CHECK (length(VALUE) = 5);
ALTER DOMAIN zip_unused SET NOT NULL;
$sql$);
-- A column of a domain over it, or of an array of it, counts; a view's
-- column does not (it stores nothing); a composite type built on it may be
-- stored anywhere: "may check".
SELECT statement, rule, object, message FROM migsafe_check($sql$
ALTER DOMAIN zip_nested SET NOT NULL;
ALTER DOMAIN zip_in_array SET NOT NULL;
ALTER DOMAIN zip_in_view SET NOT NULL;
ALTER DOMAIN zip_in_composite SET NOT NULL;
$sql$);
-- A name the catalog does not know: judged as offline ("may check").
SELECT statement, rule, object, message FROM migsafe_check('ALTER DOMAIN no_such_domain SET NOT NULL');
-- Near misses: NOT VALID, VALIDATE, a domain created earlier in the script.
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER DOMAIN zip_used ADD CONSTRAINT five CHECK (length(VALUE) = 5) NOT VALID;
ALTER DOMAIN zip_used VALIDATE CONSTRAINT five;
CREATE DOMAIN fresh AS text;
ALTER DOMAIN fresh SET NOT NULL;
$sql$);

-- rename-enum-value: an existing enum, and one created in the script.
CREATE TYPE mood AS ENUM ('sad', 'ok');
SELECT statement, rule, severity, object, message FROM migsafe_check($sql$
ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';
ALTER TYPE mood ADD VALUE 'happy';
CREATE TYPE feeling AS ENUM ('meh');
ALTER TYPE feeling RENAME VALUE 'meh' TO 'fine';
$sql$);

-- identifier-too-long: 70 bytes written, 63 kept; 63 written passes.
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE TABLE abcdefghijklmnopqrstuvwxyz_abcdefghijklmnopqrstuvwxyz_abcdefghijklmnop (id int);
CREATE TABLE abcdefghijklmnopqrstuvwxyz_abcdefghijklmnopqrstuvwxyz_abcdefghi (id int);
$sql$);

DROP VIEW zip_view;
DROP TABLE addresses, shipments;
DROP TYPE zip_pair, mood;
DROP DOMAIN zip_used, zip_unused, zip_inner, zip_nested, zip_in_array, zip_in_view, zip_in_composite;
RESET migsafe.session_script_window;
