-- Recovery before it is needed: the backup gate refuses a dangerous
-- statement, even approved, when point-in-time recovery is not possible
-- (this test server archives no WAL), and leaves the table as it was; the
-- undo window keeps a table an approved DROP TABLE names, restores it with
-- its rows and indexes, and purges it. test/integration/recovery.sh and
-- keep_dropped.sh run both against a real WAL archive, other sessions and
-- pg_cron. Tables created by this session count as existing from its next
-- transaction on (session_script_window = 0).
SET migsafe.mode = enforce;
SET migsafe.session_script_window = 0;
\set VERBOSITY terse
CREATE TABLE rec_t (id int PRIMARY KEY, note text);
INSERT INTO rec_t VALUES (1, 'one'), (2, 'two');
CREATE INDEX rec_t_note ON rec_t (note);
SELECT migsafe_approve('rec_migration', 'guard_recovery', '1 hour') IS NOT NULL AS approved;

-- the backup gate
SELECT migsafe_recovery();
SELECT name, detail FROM migsafe_status() WHERE item = 'recovery';
SET migsafe.require_recovery = archiving;
SET migsafe.approved_migration = rec_migration;
ALTER TABLE rec_t DROP COLUMN note;
DROP TABLE rec_t;
TRUNCATE rec_t;
SELECT * FROM rec_t ORDER BY id;
-- statements no rule concerns are not its business
ALTER TABLE rec_t ADD COLUMN extra text;
SET migsafe.require_recovery = nonsense;
SET migsafe.max_archive_age = 'ages';
RESET migsafe.require_recovery;
ALTER TABLE rec_t DROP COLUMN extra;

-- the undo window
SET migsafe.keep_dropped = '7d';
SET client_min_messages = warning;  -- the NOTICE names the time
DROP TABLE rec_t;
RESET client_min_messages;
SELECT to_regclass('rec_t') AS still_there;
SELECT regexp_replace(kept_as, '\d{8}_\d{6}', 'TIME') AS kept_as, original, keep_until > now() + interval '6 days' AS a_week,
       dropped_by
FROM migsafe_dropped();
SELECT regexp_replace(kept_as, '\d{8}_\d{6}', 'TIME') AS kept_as, outcome FROM migsafe.audit_log
WHERE statement = 'DROP TABLE rec_t';
-- restored: rows, index, primary key
SELECT migsafe_restore(kept_as) FROM migsafe_dropped() WHERE original = 'public.rec_t';
SELECT * FROM rec_t ORDER BY id;
SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'rec_t'::regclass ORDER BY indexrelid::regclass::text;
SELECT count(*) AS kept FROM migsafe_dropped();
-- a name taken: refused, the kept table stays
SET client_min_messages = warning;
DROP TABLE rec_t;
RESET client_min_messages;
CREATE TABLE rec_t (id int);
DO $$
BEGIN
    PERFORM migsafe_restore(kept_as) FROM migsafe_dropped() WHERE original = 'public.rec_t';
EXCEPTION WHEN duplicate_table THEN
    RAISE NOTICE '%', regexp_replace(SQLERRM, '\d{8}_\d{6}', 'TIME');
END
$$;
SELECT count(*) AS kept FROM migsafe_dropped();
SELECT migsafe_restore('no_such_table');
-- purged: by name now, or once past its time
SELECT count(*) AS purged FROM migsafe_dropped() d, migsafe_purge(d.kept_as);
SELECT count(*) AS kept, (SELECT count(*) FROM pg_class WHERE relnamespace = 'migsafe_dropped'::regnamespace) AS relations
FROM migsafe_dropped();
SELECT count(*) FROM migsafe_purge();
SET migsafe.keep_dropped = 'forever';
RESET migsafe.keep_dropped;
RESET migsafe.approved_migration;
DROP TABLE rec_t;
