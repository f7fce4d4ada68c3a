-- Positions: statement (1-based index), line and col (1-based, in characters)
-- of each finding: the statement's first token, or the offending table name
-- for TRUNCATE, DELETE, UPDATE, DROP OWNED and protected tables.
\pset null '(null)'
-- columns are counted in characters of the database encoding
SELECT getdatabaseencoding();

-- a multi-line script: comments, blank lines and white space before a
-- statement are skipped
SELECT statement, line, col, rule, object FROM migsafe_check($sql$-- migration 20261124
BEGIN;

/* header
   comment */   DROP TABLE a;
CREATE TABLE b (id int);
	TRUNCATE b, c;
SELECT 1; DROP INDEX i;    DROP TYPE t;
DELETE
  FROM
    d
;
UPDATE
e SET x = 1;
ALTER TABLE f
    DROP COLUMN g;
COMMIT;
$sql$);
-- statement counts every statement, also the ones without findings (an empty
-- statement between two semicolons is none)
SELECT statement, line, col, rule FROM migsafe_check('SELECT 1; SELECT 2; SELECT 3; DROP TABLE t; ; SELECT 5; TRUNCATE t');
-- the column of a finding inside a statement
SELECT statement, line, col, rule, object FROM migsafe_check(
    'WITH x AS (SELECT 1) DELETE FROM t; EXPLAIN ANALYZE UPDATE u SET a = 1; DROP OWNED BY   r1,r2');
SELECT statement, line, col, rule, object
FROM migsafe_check('CREATE TABLE z (p_id int REFERENCES p); ALTER TABLE   p ADD x int', ARRAY['p']);
-- CRLF line ends
SELECT statement, line, col, rule, object FROM migsafe_check(E'SELECT 1;\r\nDROP TABLE a;\r\n\r\n  TRUNCATE b;\r\n');
-- no trailing semicolon, no newline
SELECT statement, line, col, rule, object FROM migsafe_check('SELECT 1;DROP TABLE a');

-- Multibyte characters before the statement, on the same line and on earlier lines.
SELECT statement, line, col, rule, object FROM migsafe_check(
    E'-- Änderung für Größe 日本語\nSELECT \'日本語\'; DROP TABLE t;');
SELECT statement, line, col, rule, object FROM migsafe_check(
    E'SELECT \'€\', \'😀\'; TRUNCATE "Größe", "日本";\nSELECT \'ü\'; DELETE FROM "Läufer";');
SELECT statement, line, col, rule, object FROM migsafe_check(
    E'/* é */ /* 😀😀 */ ALTER TABLE "Müller" DROP COLUMN "straße";');
SELECT statement, line, col, rule, object FROM migsafe_check(
    E'UPDATE "Café" SET "crème" = 1;\n\tSELECT \'ä\' AS x; ALTER TABLE "Café" ADD y int;', ARRAY['"Café"']);
-- multibyte characters inside the names show up in the object
SELECT statement, line, col, rule, object, message FROM migsafe_check('DROP TABLE "Größe"."Ärger"');
-- a syntax error after multibyte characters: line and column in characters
\set VERBOSITY default
SELECT * FROM migsafe_check(E'SELECT \'😀😀😀\';\n-- ü\nSELECT \'ö\' FRM t;');
-- the same columns as positions PostgreSQL reports for the same text
SELECT f.col = position('DROP' IN split_part(s, E'\n', f.line)) AS matches_position
FROM (VALUES (E'SELECT \'Übergröße\';\n  SELECT \'日本\';   DROP TABLE x;')) v(s),
     migsafe_check(s) f;
