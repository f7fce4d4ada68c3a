-- protected-table: any change to a table named in the protected argument.
\pset null '(null)'

-- One finding per protected table per statement, next to the findings of
-- the other rules.
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('ALTER TABLE "Skill" ADD COLUMN level int', ARRAY['"Skill"']);
SELECT hint FROM migsafe_check('ALTER TABLE "Skill" ADD COLUMN level int', ARRAY['"Skill"']);
SELECT statement, line, col, rule, severity, object
FROM migsafe_check('ALTER TABLE "Skill" DROP COLUMN level', ARRAY['"Skill"']);
-- the same statement without the protected argument
SELECT statement, line, col, rule, severity, object FROM migsafe_check('ALTER TABLE "Skill" ADD COLUMN level int');
SELECT statement, line, col, rule, severity, object FROM migsafe_check('ALTER TABLE "Skill" ADD COLUMN level int', '{}');

-- Names: a protected name without a schema matches the table in any schema;
-- schema.name matches that schema (and unqualified references, which may
-- resolve to it).
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE skill ADD COLUMN a int;
ALTER TABLE public.skill ADD COLUMN a int;
ALTER TABLE app.skill ADD COLUMN a int;
ALTER TABLE skills ADD COLUMN a int;
$sql$, ARRAY['skill']);
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE skill ADD COLUMN a int;
ALTER TABLE public.skill ADD COLUMN a int;
ALTER TABLE app.skill ADD COLUMN a int;
$sql$, ARRAY['public.skill']);
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE skill ADD COLUMN a int;
ALTER TABLE public.skill ADD COLUMN a int;
ALTER TABLE app.skill ADD COLUMN a int;
$sql$, ARRAY['app.skill']);
-- several protected names
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE a ADD COLUMN x int;
ALTER TABLE b ADD COLUMN x int;
ALTER TABLE c ADD COLUMN x int;
$sql$, ARRAY['a', 'public.c']);
-- Case: names are folded and quoted as in SQL.
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE "Skill" ADD COLUMN a int;
ALTER TABLE Skill ADD COLUMN a int;
ALTER TABLE skill ADD COLUMN a int;
ALTER TABLE "SKILL" ADD COLUMN a int;
$sql$, ARRAY['public."Skill"']);
-- An unquoted protected name with capitals (a Prisma model's name as typed)
-- protects both spellings: the folded skill and Prisma's "Skill"; "SKILL"
-- is another table.
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE "Skill" ADD COLUMN a int;
ALTER TABLE Skill ADD COLUMN a int;
ALTER TABLE SKILL ADD COLUMN a int;
ALTER TABLE "SKILL" ADD COLUMN a int;
$sql$, ARRAY['Skill']);
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE "Skill" ADD COLUMN a int;
ALTER TABLE "SkillVersion" ADD COLUMN a int;
ALTER TABLE skillversion ADD COLUMN a int;
ALTER TABLE "Skill_Version" ADD COLUMN a int;
$sql$, ARRAY['Skill', 'SkillVersion']);
-- each unquoted part of a qualified name takes both spellings
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE "App"."Skill" ADD COLUMN a int;
ALTER TABLE app.skill ADD COLUMN a int;
ALTER TABLE app."Skill" ADD COLUMN a int;
ALTER TABLE "App".skill ADD COLUMN a int;
ALTER TABLE other."Skill" ADD COLUMN a int;
$sql$, ARRAY['App.Skill']);
-- a reserved word (Prisma's model User) is no unquoted name: refused, with
-- the quoted form
SELECT * FROM migsafe_check('ALTER TABLE "User" ADD COLUMN a int', ARRAY['User']);
-- lower case, or quoted: that table only
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE "Skill" ADD COLUMN a int;
ALTER TABLE skill ADD COLUMN a int;
$sql$, ARRAY['skill']);
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER TABLE "App"."Skill" ADD COLUMN a int;
ALTER TABLE app."Skill" ADD COLUMN a int;
$sql$, ARRAY['"App"."Skill"']);

-- Every kind of change: ALTER (any subcommand), RENAME, SET SCHEMA, DROP,
-- TRUNCATE, CREATE INDEX/TRIGGER/RULE/POLICY, ALTER POLICY, CLUSTER,
-- VACUUM FULL; protected-table finding only, and at the table's name.
SELECT statement, line, col, rule, object, message FROM migsafe_check($sql$
ALTER TABLE p ALTER COLUMN name SET DEFAULT '';
ALTER TABLE p ENABLE ROW LEVEL SECURITY;
ALTER TABLE p OWNER TO someone;
ALTER TABLE IF EXISTS ONLY p SET (fillfactor = 70);
ALTER TABLE p SET SCHEMA archive;
CREATE INDEX p_name_idx ON p (name);
CREATE UNIQUE INDEX CONCURRENTLY ON p (lower(name));
CREATE TRIGGER p_audit AFTER UPDATE ON p FOR EACH ROW EXECUTE FUNCTION audit();
CREATE RULE p_no_delete AS ON DELETE TO p DO INSTEAD NOTHING;
CREATE POLICY p_owner ON p USING (owner = current_user);
ALTER POLICY p_owner ON p USING (true);
CLUSTER p USING p_pkey;
VACUUM FULL p;
VACUUM (FULL, ANALYZE) p;
$sql$, ARRAY['p']);
-- together with the other rules
SELECT statement, line, col, rule, object FROM migsafe_check($sql$
ALTER TABLE p RENAME TO q;
ALTER TABLE p RENAME COLUMN a TO b;
ALTER TABLE p RENAME CONSTRAINT p_a_check TO p_a_positive;
DROP TABLE p;
DROP TABLE other, p, "P";
TRUNCATE other, p;
ALTER TABLE p DROP CONSTRAINT p_a_check, ALTER COLUMN a TYPE bigint;
$sql$, ARRAY['p']);
-- DROP TRIGGER/RULE/POLICY ... ON it
SELECT statement, line, col, rule, object, message FROM migsafe_check($sql$
DROP TRIGGER p_audit ON p;
DROP TRIGGER IF EXISTS p_audit ON public.p;
DROP RULE p_no_delete ON p;
DROP POLICY p_owner ON app.p;
DROP POLICY IF EXISTS p_owner ON other;
$sql$, ARRAY['public.p']);

-- A FOREIGN KEY that references it: in CREATE TABLE (column or table
-- constraint) and ALTER TABLE (ADD CONSTRAINT, ADD COLUMN), at the name in
-- REFERENCES.
SELECT statement, line, col, rule, object, message FROM migsafe_check($sql$
CREATE TABLE a (p_id int REFERENCES p);
CREATE TABLE b (p_id int, FOREIGN KEY (p_id) REFERENCES public.p (id) ON DELETE CASCADE);
CREATE TABLE c (p_id int, CONSTRAINT c_p_fk FOREIGN KEY (p_id) REFERENCES p (id));
ALTER TABLE d ADD CONSTRAINT d_p_fk FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID;
ALTER TABLE e ADD COLUMN p_id int REFERENCES p (id);
ALTER TABLE f ADD FOREIGN KEY (x) REFERENCES other (id);
CREATE TABLE g (x int REFERENCES other);
$sql$, ARRAY['p']);
-- referencing itself: one finding for the statement
SELECT statement, line, col, rule, object, message
FROM migsafe_check('ALTER TABLE p ADD FOREIGN KEY (parent_id) REFERENCES p (id)', ARRAY['p']);

-- Inheritance and partitioning, as parent or as child.
SELECT statement, line, col, rule, object, message FROM migsafe_check($sql$
CREATE TABLE p_2024 PARTITION OF p FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE p_child (extra int) INHERITS (p);
ALTER TABLE parent ATTACH PARTITION p FOR VALUES IN (1);
ALTER TABLE parent DETACH PARTITION p CONCURRENTLY;
ALTER TABLE p ATTACH PARTITION p_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE child INHERIT p;
ALTER TABLE child NO INHERIT p;
ALTER TABLE p INHERIT base;
$sql$, ARRAY['p']);

-- Near misses: reading it, writing rows, copying its shape, commenting,
-- granting, other tables' changes, names in strings and comments.
SELECT statement, rule, object FROM migsafe_check($sql$
SELECT * FROM p;
INSERT INTO p (name) VALUES ('x');
UPDATE p SET name = 'y' WHERE id = 1;
DELETE FROM p WHERE id = 1;
CREATE TABLE p_copy (LIKE p INCLUDING ALL);
CREATE TABLE p_snapshot AS SELECT * FROM p;
CREATE VIEW p_view AS SELECT * FROM p;
COMMENT ON TABLE p IS 'protected';
GRANT SELECT ON p TO reporting;
ANALYZE p;
VACUUM p;
LOCK TABLE p IN SHARE MODE;
CREATE INDEX ON other (p_id);
ALTER TABLE other ADD COLUMN p int;
ALTER TABLE "p " ADD COLUMN x int;
SELECT 'ALTER TABLE p DROP COLUMN a';
-- ALTER TABLE p DROP COLUMN a
$sql$, ARRAY['p']);
SELECT migsafe_verdict('ALTER TABLE p ADD COLUMN a int');
