-- Near misses: dangerous words that are not dangerous statements. The parser
-- decides, so comments, strings and identifiers never fire; and the same
-- words as real statements do.
\pset null '(null)'

-- comments
SELECT statement, rule, object FROM migsafe_check($sql$
-- DROP TABLE users;
SELECT 1; -- TRUNCATE users;
/* DELETE FROM users; */
/* outer /* nested: DROP SCHEMA app CASCADE; */ still a comment: DROP TABLE users; */
SELECT 2 /* ALTER TABLE users DROP COLUMN email; */;
SELECT 3 -- ; DROP DATABASE prod
;
$sql$);
-- strings: standard, escape (E''), with doubled quotes, Unicode, dollar-quoted with tags
SELECT statement, rule, object FROM migsafe_check($sql$
SELECT 'DROP TABLE users';
SELECT 'it''s; DROP TABLE users; --';
SELECT E'it\'s; TRUNCATE users; \' -- ';
SELECT E'\\'; 
SELECT U&'d\0061t\+000061; DELETE FROM users;';
SELECT $$DROP TABLE users;$$;
SELECT $tag$ $$ ; DROP TABLE users; $$ $tag$;
SELECT $a$ $b$ DROP TABLE users; $b$ $a$;
SELECT $_1$ ; DELETE FROM users; $_1$;
INSERT INTO audit (query) VALUES ('DELETE FROM users'), ($q$TRUNCATE users$q$);
COMMENT ON TABLE users IS 'DROP TABLE users; -- do not';
$sql$);
-- quoted identifiers and column aliases
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE TABLE "DROP TABLE users" ("TRUNCATE" int, "DELETE FROM users" text);
SELECT 1 AS "DROP", 2 AS "truncate;";
SELECT "DELETE FROM users" FROM "DROP TABLE users";
CREATE VIEW "ALTER TABLE users DROP COLUMN email" AS SELECT 1;
$sql$);
-- WHERE present, in all the statements that need one
SELECT statement, rule, object FROM migsafe_check($sql$
DELETE FROM users WHERE id = 42;
UPDATE users SET email = lower(email) WHERE email <> lower(email);
WITH d AS (DELETE FROM sessions WHERE expires_at < now() RETURNING id) SELECT count(*) FROM d;
MERGE INTO stock s USING deliveries d ON s.item = d.item
    WHEN MATCHED THEN UPDATE SET qty = s.qty + d.qty
    WHEN NOT MATCHED THEN INSERT VALUES (d.item, d.qty);
$sql$);
-- objects created earlier in the same script
SELECT statement, rule, object FROM migsafe_check($sql$
CREATE SCHEMA tmp;
CREATE TABLE tmp.jobs (id int, state text, note text);
CREATE INDEX jobs_state_idx ON tmp.jobs (state);
CREATE TYPE tmp.job_state AS ENUM ('new', 'done');
ALTER TABLE tmp.jobs ALTER COLUMN state TYPE tmp.job_state USING state::tmp.job_state;
ALTER TABLE tmp.jobs RENAME COLUMN note TO remark;
ALTER TABLE tmp.jobs DROP COLUMN remark;
ALTER TABLE tmp.jobs ADD CONSTRAINT jobs_pk PRIMARY KEY (id);
ALTER TABLE tmp.jobs DROP CONSTRAINT jobs_pk;
UPDATE tmp.jobs SET state = 'done';
DELETE FROM tmp.jobs;
TRUNCATE tmp.jobs;
DROP INDEX tmp.jobs_state_idx;
ALTER TABLE tmp.jobs RENAME TO jobs_old;
DROP TABLE tmp.jobs_old;
DROP TYPE tmp.job_state;
DROP SCHEMA tmp;
$sql$);
-- ordinary, safe migration statements
SELECT statement, rule, object FROM migsafe_check($sql$
BEGIN;
SET lock_timeout = '5s';
CREATE TABLE "Tag" ("id" SERIAL NOT NULL, "name" TEXT NOT NULL, CONSTRAINT "Tag_pkey" PRIMARY KEY ("id"));
ALTER TABLE "Post" ADD COLUMN "tagId" INTEGER;
ALTER TABLE "Post" ALTER COLUMN "title" SET DEFAULT '';
CREATE SEQUENCE order_no;
CREATE VIEW v AS SELECT 1 AS one;
CREATE OR REPLACE VIEW v AS SELECT 1 AS one, 2 AS two;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO reporting;
INSERT INTO "Tag" ("name") SELECT DISTINCT "tag" FROM "Post";
SELECT pg_sleep(0);
COMMIT;
$sql$);
-- the same words as real statements fire: a string that ends early, and a
-- backslash that does not escape (standard_conforming_strings is on)
SHOW standard_conforming_strings;
SELECT statement, line, col, rule, object FROM migsafe_check($sql$
SELECT 'it'; DROP TABLE users; --';
SELECT 'a\'; TRUNCATE sessions; --';
SELECT $$x$$; DELETE FROM users; -- $$;
/* a comment */ DROP SCHEMA app; /* another */
$sql$);
SELECT migsafe_verdict($sql$SELECT '-- DROP TABLE users'; -- DROP TABLE users$sql$);
