-- rename-table, rename-column: renames of existing tables and columns break
-- running code.
\pset null '(null)'

SELECT statement, line, col, rule, severity, object, message FROM migsafe_check('ALTER TABLE users RENAME TO accounts');
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('ALTER TABLE IF EXISTS app."User" RENAME TO "Member"');
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('ALTER TABLE users RENAME COLUMN name TO full_name');
SELECT statement, line, col, rule, severity, object, message
FROM migsafe_check('ALTER TABLE ONLY "User" RENAME "firstName" TO "givenName"');
SELECT rule, hint FROM migsafe_check('ALTER TABLE a RENAME TO b; ALTER TABLE c RENAME x TO y') ORDER BY statement;
-- Prisma's rename
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
-- RenameColumn
ALTER TABLE "Profile" RENAME COLUMN "bio" TO "about";

-- RenameTable
ALTER TABLE "Profile" RENAME TO "UserProfile";
$sql$);

-- new tables and new columns may be renamed
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
CREATE TABLE users_new (id int, nm text);
ALTER TABLE users_new RENAME COLUMN nm TO name;
ALTER TABLE users_new RENAME TO users_v2;
ALTER TABLE users_v2 RENAME COLUMN name TO full_name;
ALTER TABLE users ADD COLUMN tmp int;
ALTER TABLE users RENAME COLUMN tmp TO score;
ALTER TABLE users RENAME COLUMN score TO points;
$sql$);
-- an existing table renamed keeps its existing columns
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
ALTER TABLE users RENAME TO members;
ALTER TABLE members RENAME COLUMN name TO full_name;
$sql$);
-- the swap: the new table takes the old name, the old one a new name
SELECT statement, line, col, rule, severity, object FROM migsafe_check($sql$
CREATE TABLE orders_new (LIKE orders INCLUDING ALL);
ALTER TABLE orders RENAME TO orders_old;
ALTER TABLE orders_new RENAME TO orders;
$sql$);

-- near misses: renames of other objects
SELECT statement, rule, object FROM migsafe_check($sql$
ALTER INDEX users_email_idx RENAME TO users_email_key;
ALTER SEQUENCE users_id_seq RENAME TO members_id_seq;
ALTER VIEW active_users RENAME TO active_members;
ALTER VIEW active_users RENAME COLUMN name TO full_name;
ALTER MATERIALIZED VIEW stats RENAME TO stats_v1;
ALTER TABLE users RENAME CONSTRAINT users_pkey TO members_pkey;
ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';
ALTER FUNCTION f() RENAME TO g;
ALTER SCHEMA app RENAME TO app_v1;
ALTER TRIGGER trg ON users RENAME TO trg2;
$sql$);
SELECT migsafe_verdict('ALTER TABLE a RENAME TO b'), migsafe_verdict('ALTER TABLE a RENAME c TO d');
