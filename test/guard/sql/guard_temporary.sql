-- A session's own temporary tables hold no shared data: emptying, changing
-- or dropping one is judged as if it had been created in the transaction,
-- in every later transaction too. A regular table of the same name, and
-- another session's temporary table, are judged as any other table.
CREATE TABLE scratch (id int);
INSERT INTO scratch VALUES (1);
SET migsafe.mode = enforce;
SET migsafe.review_action = block;
\set VERBOSITY terse

CREATE TEMP TABLE scratch (id int, note text);
INSERT INTO scratch VALUES (1, 'a');
-- each in a transaction of its own, after the one that created it
UPDATE scratch SET id = 2;
ALTER TABLE scratch DROP COLUMN note;
ALTER TABLE scratch ALTER COLUMN id TYPE bigint;
DELETE FROM scratch;
TRUNCATE scratch;
-- by OID: a prepared statement and PL/pgSQL's dynamic SQL are analysed
PREPARE wipe_temp AS DELETE FROM scratch;
EXECUTE wipe_temp;
DEALLOCATE wipe_temp;
SELECT attempt('UPDATE pg_temp.scratch SET id = 3');
-- the regular table of the same name is reached when named, or when
-- search_path places pg_temp after public
DELETE FROM public.scratch;
TRUNCATE public.scratch;
DROP TABLE public.scratch;
SET search_path = public, pg_temp;
DELETE FROM scratch;
DROP TABLE scratch;
RESET search_path;
SELECT count(*) AS public_rows FROM public.scratch;
DROP TABLE scratch;
-- the temporary one is gone, the regular one is still refused
DROP TABLE scratch;

-- another session's temporary table: its schema is visible, the table is
-- not this session's, so dropping it is refused (the name is read from the
-- catalog, not printed: the temporary schema's number varies)
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('other', format('host=%s port=%s dbname=%s', current_setting('unix_socket_directories'),
                                      current_setting('port'), current_database()));
SELECT dblink_exec('other', 'CREATE TEMP TABLE theirs (id int)');
SELECT dblink_exec('other', 'INSERT INTO theirs VALUES (1)');
SELECT n.nspname AS their_schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname = 'theirs' \gset
SELECT attempt(format('DROP TABLE %I.theirs', :'their_schema')) LIKE '%migsafe blocked drop-table%' AS refused;
SELECT dblink_exec('other', 'DELETE FROM theirs');
SELECT dblink_disconnect('other');

SET migsafe.mode = off;
DROP TABLE scratch;
DROP EXTENSION dblink;
