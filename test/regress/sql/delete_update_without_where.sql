-- delete-without-where, update-without-where, backfill-without-where.
\pset null '(null)'

-- DELETE with no WHERE clause: at the table's name.
SELECT statement, line, col, rule, severity, object, message FROM migsafe_check('DELETE FROM users');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('DELETE FROM ONLY app.users');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('DELETE FROM "User" AS u RETURNING u.id');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('delete from users *');
-- USING without WHERE: every row that has a partner goes
SELECT statement, line, col, rule, severity, object FROM migsafe_check('DELETE FROM orders USING customers');
-- a WHERE clause that restricts none of the target's rows is no filter
SELECT statement, line, col, rule, object, message FROM migsafe_check($sql$
DELETE FROM t WHERE true;
DELETE FROM t WHERE 1 = 1;
DELETE FROM t WHERE NOT false;
DELETE FROM t WHERE now() > '2000-01-01';
DELETE FROM t WHERE EXISTS (SELECT 1 FROM u);
DELETE FROM t WHERE (SELECT count(*) FROM u) > 0;
$sql$);
SELECT hint FROM migsafe_check('DELETE FROM t');

-- DELETE with a real WHERE clause passes.
SELECT statement, rule, object FROM migsafe_check($sql$
DELETE FROM t WHERE id = 1;
DELETE FROM t WHERE t.created_at < now() - interval '90 days';
DELETE FROM t USING u WHERE t.user_id = u.id AND u.deleted;
DELETE FROM t WHERE id IN (SELECT id FROM u WHERE u.flag);
DELETE FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id);
DELETE FROM t WHERE CURRENT OF c;
DELETE FROM t WHERE deleted_at IS NOT NULL RETURNING *;
$sql$);
-- DELETE on a table created earlier in the script passes.
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE TABLE tmp (id int);
INSERT INTO tmp SELECT g FROM generate_series(1, 10) g;
DELETE FROM tmp;
DELETE FROM public.tmp WHERE true;
$sql$);

-- Inside WITH (at any depth), EXPLAIN ANALYZE, PREPARE, COPY and CREATE RULE.
SELECT statement, line, col, rule, object FROM migsafe_check($sql$
WITH gone AS (DELETE FROM sessions RETURNING *) SELECT count(*) FROM gone;
WITH a AS (WITH b AS (DELETE FROM tokens RETURNING 1) SELECT * FROM b) SELECT * FROM a;
WITH moved AS (DELETE FROM events RETURNING *) INSERT INTO events_archive SELECT * FROM moved;
INSERT INTO archive WITH d AS (DELETE FROM logs RETURNING *) SELECT * FROM d;
SELECT 1 UNION ALL (WITH d AS (DELETE FROM carts RETURNING 1) SELECT * FROM d);
WITH d AS (DELETE FROM keep WHERE id = 1 RETURNING id) DELETE FROM orphans WHERE id IN (SELECT id FROM d);
WITH x AS (UPDATE counters SET n = 0 RETURNING id) DELETE FROM y WHERE y.id IN (SELECT id FROM x);
$sql$);
SELECT statement, line, col, rule, object FROM migsafe_check($sql$
EXPLAIN ANALYZE DELETE FROM t1;
EXPLAIN (ANALYZE) DELETE FROM t2;
EXPLAIN (ANALYZE true, BUFFERS) UPDATE t3 SET a = 1;
EXPLAIN (ANALYZE on) DELETE FROM t4;
EXPLAIN (FORMAT JSON, ANALYZE) WITH d AS (DELETE FROM t5 RETURNING 1) SELECT * FROM d;
PREPARE purge AS DELETE FROM t6;
PREPARE reset_all(int) AS UPDATE t7 SET a = $1;
COPY (DELETE FROM t8 RETURNING *) TO STDOUT;
COPY (UPDATE t9 SET a = 0 RETURNING *) TO STDOUT;
CREATE RULE r AS ON INSERT TO t10 DO ALSO DELETE FROM t11;
$sql$);
-- EXPLAIN without ANALYZE runs nothing; plain COPY and EXECUTE are no finding.
SELECT statement, rule, object FROM migsafe_check($sql$
EXPLAIN DELETE FROM t;
EXPLAIN (ANALYZE false) DELETE FROM t;
EXPLAIN (ANALYZE off, COSTS off) UPDATE t SET a = 1;
EXPLAIN (VERBOSE) UPDATE t SET a = 1;
COPY t TO STDOUT;
COPY (SELECT * FROM t) TO STDOUT;
EXECUTE purge;
PREPARE p(int) AS DELETE FROM t WHERE id = $1;
$sql$);

-- UPDATE with no WHERE clause on columns that existed before the script.
SELECT statement, line, col, rule, severity, object, message FROM migsafe_check('UPDATE users SET email = NULL');
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('UPDATE ONLY app.users AS u SET (name, "Email") = (upper(u.name), lower(u."Email")), updated_at = now()');
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('UPDATE users SET score = s.score FROM stats s');
SELECT statement, line, col, rule, object, message FROM migsafe_check('UPDATE t SET a = 1 WHERE 2 > 1');
SELECT statement, line, col, rule, object FROM migsafe_check($sql$
UPDATE t SET a[1] = 0;
UPDATE t SET point.x = 0;
UPDATE t SET a = DEFAULT;
UPDATE t SET (a, b) = (SELECT 1, 2);
$sql$);
SELECT hint FROM migsafe_check('UPDATE t SET a = 1');
-- UPDATE with a real WHERE clause, or of a table created in the script, passes.
SELECT statement, rule, object FROM migsafe_check($sql$
UPDATE t SET a = 1 WHERE id = 1;
UPDATE t SET a = u.a FROM u WHERE u.id = t.id;
UPDATE t SET a = 1 WHERE a IS NULL;
UPDATE t SET a = 1 WHERE CURRENT OF c;
CREATE TABLE n (id int, a int);
UPDATE n SET a = 1;
UPDATE public.n SET a = 2 WHERE true;
$sql$);

-- backfill-without-where: every SET target was added earlier in the script.
SELECT statement, line, col, rule, severity, object, message FROM migsafe_check($sql$
ALTER TABLE users ADD COLUMN email_verified boolean;
UPDATE users SET email_verified = false;
$sql$);
SELECT hint FROM migsafe_check('ALTER TABLE t ADD c int; UPDATE t SET c = 1');
-- Prisma's pattern: add a column, backfill it, make it NOT NULL
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
-- AlterTable
ALTER TABLE "Post" ADD COLUMN "slug" TEXT,
ADD COLUMN "rank" INTEGER;
UPDATE "Post" SET "slug" = "id"::text, "rank" = 0;
ALTER TABLE "Post" ALTER COLUMN "slug" SET NOT NULL;
$sql$);
-- a backfill with WHERE true is still a backfill; with a real WHERE none
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE t ADD COLUMN c int;
UPDATE t SET c = 1 WHERE true;
UPDATE t SET c = 2 WHERE id < 1000;
$sql$);
-- schema-qualified or not, public is public; other schemas are other tables
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE public.t ADD COLUMN c int;
UPDATE t SET c = 1;
UPDATE app.t SET c = 1;
$sql$);
-- a renamed new column is still new
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE t ADD COLUMN tmp int;
ALTER TABLE t RENAME COLUMN tmp TO c;
UPDATE t SET c = 1;
$sql$);
-- mixing a new and an old column overwrites the old one: update-without-where,
-- naming only the old column
SELECT statement, line, col, rule, severity, object, message FROM migsafe_check($sql$
ALTER TABLE t ADD COLUMN c int;
UPDATE t SET c = 1, b = 2;
$sql$);
-- added to another table, or with another case: the column is an old one
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE t ADD COLUMN "C" int;
ALTER TABLE u ADD COLUMN d int;
UPDATE t SET c = 1;
UPDATE t SET d = 1;
UPDATE t SET "C" = 1;
$sql$);
-- backfill inside a WITH
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE t ADD COLUMN c int;
WITH x AS (UPDATE t SET c = 1 RETURNING id) SELECT count(*) FROM x;
$sql$);

-- verdicts
SELECT migsafe_verdict('DELETE FROM t'), migsafe_verdict('UPDATE t SET a = 1'),
       migsafe_verdict('ALTER TABLE t ADD c int; UPDATE t SET c = 1'),
       migsafe_verdict('DELETE FROM t WHERE id = 1');

-- in the database, IS NOT NULL on a NOT NULL column restricts nothing
CREATE TABLE filter_facts (id int PRIMARY KEY, note text);
INSERT INTO filter_facts VALUES (1, NULL);  -- a table without rows loses nothing
SELECT rule, object FROM migsafe_check('DELETE FROM filter_facts WHERE id IS NOT NULL');
SELECT rule, object FROM migsafe_check('DELETE FROM filter_facts WHERE note IS NOT NULL');
-- a condition on another relation only, a correlated subquery, a self-upsert
SELECT rule, object FROM migsafe_check('UPDATE filter_facts SET note = NULL FROM t WHERE t.a = 1');
SELECT rule, object FROM migsafe_check('DELETE FROM filter_facts f WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.a = f.id)');
SELECT rule, object FROM migsafe_check('INSERT INTO filter_facts SELECT * FROM filter_facts ON CONFLICT (id) DO UPDATE SET note = NULL');
DROP TABLE filter_facts;
