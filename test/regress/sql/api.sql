-- The SQL API: migsafe_rules(), migsafe_check(), migsafe_verdict().
\pset null '(null)'

-- The catalogue: every rule of DESIGN.md §2 that is implemented, with its
-- severity; each has a one-line summary and a hint.
SELECT rule, severity FROM migsafe_rules() ORDER BY rule;
SELECT count(*) AS rules,
       count(*) FILTER (WHERE severity = 'dangerous') AS dangerous,
       count(*) FILTER (WHERE severity = 'review') AS review,
       count(DISTINCT rule) AS distinct_ids,
       bool_and(summary <> '' AND hint <> '') AS all_documented,
       bool_and(rule ~ '^[a-z]+(-[a-z]+)*$') AS kebab_case
FROM migsafe_rules();
SELECT summary, hint FROM migsafe_rules() WHERE rule = 'drop-column';

-- Column names and types of the result of migsafe_check().
SELECT * FROM migsafe_check('SELECT 1') LIMIT 0;
SELECT pg_get_function_arguments('migsafe_check(text, text[])'::regprocedure);
SELECT pg_get_function_arguments('migsafe_verdict(text)'::regprocedure);

-- Every finding carries the message and the hint of its rule.
SELECT f.rule, f.severity = r.severity AS same_severity, f.hint = r.hint AS catalogue_hint
FROM migsafe_check($sql$DROP TABLE a; DROP INDEX i; DO $$ BEGIN END $$;$sql$) f
JOIN migsafe_rules() r USING (rule)
ORDER BY f.statement;

-- NULL in, NULL out: no rows from migsafe_check, NULL from the STRICT verdict.
SELECT count(*) FROM migsafe_check(NULL);
SELECT count(*) FROM migsafe_check(NULL, ARRAY['t']);
SELECT count(*) FROM migsafe_check(NULL, ARRAY[NULL]);
SELECT migsafe_verdict(NULL);
SELECT count(*) FROM migsafe_check('DROP TABLE t', NULL);
SELECT count(*) FROM migsafe_check('DROP TABLE t', '{}');

-- Empty scripts and scripts with nothing to run are safe.
SELECT count(*) FROM migsafe_check('');
SELECT count(*) FROM migsafe_check('   ;;; ;');
SELECT count(*) FROM migsafe_check('-- only a comment');
SELECT count(*) FROM migsafe_check('/* only /* nested */ a comment */');
SELECT migsafe_verdict(''), migsafe_verdict(';'), migsafe_verdict('-- DROP TABLE t');

-- migsafe_verdict(): the worst finding of the script.
SELECT migsafe_verdict('SELECT 1');
SELECT migsafe_verdict('CREATE TABLE t (id int)');
SELECT migsafe_verdict('DROP INDEX i');
SELECT migsafe_verdict('ALTER TABLE t ALTER COLUMN c TYPE bigint');
SELECT migsafe_verdict('DROP TABLE t');
SELECT migsafe_verdict('DROP INDEX i; DROP TABLE t; DROP INDEX j');
SELECT migsafe_verdict('CREATE TABLE t (id int); DROP TABLE t');
SELECT migsafe_verdict('ALTER TABLE t RENAME TO u; ALTER TABLE u RENAME COLUMN a TO b');
-- migsafe_verdict() has no protected argument: protection is for migsafe_check().
SELECT migsafe_verdict('ALTER TABLE t ADD COLUMN c int');
SELECT migsafe_verdict(s) AS verdict, count(*) FILTER (WHERE f.severity = 'dangerous') AS dangerous,
       count(f.rule) AS findings
FROM (VALUES ('TRUNCATE a, b; DROP INDEX i')) v(s)
LEFT JOIN LATERAL migsafe_check(s) f ON true
GROUP BY s;

-- A syntax error raises 42601 with the line and column in the script.
\set VERBOSITY default
SELECT * FROM migsafe_check('SELECT 1;
DROP TABL t');
SELECT * FROM migsafe_check(E'CREATE TABLE t (id int);\n\n  ALTER TABLE t ADD COLUMN;');
SELECT migsafe_verdict('SELECT 1; DELET FROM t');
-- the column is counted in characters, not bytes
SELECT * FROM migsafe_check(E'SELECT \'äöü\';\nSELECT \'日本\' FRM t');
-- errors of the lexer: unterminated comment, string, quoted identifier
SELECT * FROM migsafe_check('SELECT 1; /* unterminated');
SELECT * FROM migsafe_check($q$SELECT 'abc$q$);
SELECT * FROM migsafe_check(E'SELECT 1;\nSELECT "abc');
-- a syntax error anywhere fails the whole script, even after dangerous statements
SELECT * FROM migsafe_check('DROP TABLE t; DROP TABLE u; SELEC 1');
\set VERBOSITY sqlstate
SELECT * FROM migsafe_check('DROP TABL t');
SELECT migsafe_verdict('DROP TABL t');
\set VERBOSITY default
DO $$
BEGIN
    PERFORM * FROM migsafe_check(E'SELECT 1;\n  TRUNCATE TABLE;');
EXCEPTION WHEN syntax_error THEN
    RAISE NOTICE 'caught %: %', SQLSTATE, rtrim(split_part(SQLERRM, '"', 1));
END
$$;

-- Bad protected names: 22023 (invalid_parameter_value), with the offending name.
SELECT * FROM migsafe_check('DROP TABLE t', ARRAY['a.b.c']);
SELECT * FROM migsafe_check('DROP TABLE t', ARRAY['varchar(10)']);
SELECT * FROM migsafe_check('DROP TABLE t', ARRAY['t[]']);
SELECT * FROM migsafe_check('DROP TABLE t', ARRAY['setof t']);
SELECT * FROM migsafe_check('DROP TABLE t', ARRAY['']);
SELECT * FROM migsafe_check('DROP TABLE t', ARRAY['a b']);
SELECT * FROM migsafe_check('DROP TABLE t', ARRAY['t; DROP TABLE x']);
SELECT * FROM migsafe_check('DROP TABLE t', ARRAY['user']);
SELECT * FROM migsafe_check('DROP TABLE t', ARRAY['int']);
SELECT * FROM migsafe_check('DROP TABLE t', ARRAY['pg_catalog.t']);
-- a NULL element
SELECT * FROM migsafe_check('DROP TABLE t', ARRAY['t', NULL]);
\set VERBOSITY sqlstate
SELECT * FROM migsafe_check('DROP TABLE t', ARRAY['a.b.c']);
SELECT * FROM migsafe_check('DROP TABLE t', ARRAY[NULL::text]);
\set VERBOSITY default
-- quoting a reserved word or a type name makes it a valid table name
SELECT statement, rule, object FROM migsafe_check('DROP TABLE "user", "int"', ARRAY['"user"', '"int"']);
-- white space around the parts of a name is allowed
SELECT statement, rule, object FROM migsafe_check('DROP TABLE t', ARRAY[' public . t ']);

-- The function is STABLE and parallel safe, and works in a larger query.
SELECT s.n, f.rule, f.object
FROM generate_series(1, 3) s(n),
     LATERAL migsafe_check(format('DROP TABLE t%s; SELECT %s', s.n, s.n)) f
ORDER BY s.n;

-- A large generated script (about 10 MB, 300000 statements): every 1000th
-- DELETE has no WHERE clause.
WITH g AS (
    SELECT string_agg(CASE WHEN i % 1000 = 0 THEN 'DELETE FROM t;'
                           ELSE 'DELETE FROM t WHERE id = ' || i || ';' END, E'\n') AS script
    FROM generate_series(1, 300000) i
), f AS MATERIALIZED (
    SELECT f.* FROM g, migsafe_check(g.script) f
)
SELECT (SELECT length(script) FROM g) > 9500000 AS about_10_mb,
       count(*) AS findings,
       count(*) FILTER (WHERE rule = 'delete-without-where' AND statement % 1000 = 0
                        AND line = statement AND col = 13) AS at_every_1000th,
       min(statement) AS first, max(statement) AS last, max(line) AS last_line
FROM f;
-- a long single line: the column of the last statement
SELECT statement, line, col, rule
FROM migsafe_check(repeat('SELECT 1; ', 100000) || 'DROP TABLE t');
