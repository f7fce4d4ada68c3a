-- migsafe 0.1.0 -> 0.2.0 (ALTER EXTENSION migsafe UPDATE).
-- Brings a database created at 0.1.0 to exactly the objects of
-- migsafe--0.2.0.sql: every function, table, column, grant, comment, event
-- trigger and pg_extension_config_dump() registration added or changed there
-- is added or changed here too (test/integration/extension_update.sh fails on
-- any difference). It runs as the extension's script, so the guard lets it
-- change migsafe's own state tables; it must keep their rows.
\echo Use "ALTER EXTENSION migsafe UPDATE TO '0.2.0'" to load this file. \quit

-- New: migsafe_plan().
CREATE FUNCTION migsafe_plan(
    sql text,
    OUT statement integer,
    OUT statement_text text,
    OUT relation text,
    OUT lock_mode text,
    OUT blocks text,
    OUT work text,
    OUT relation_size bigint,
    OUT estimated_rows bigint,
    OUT rules text[])
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'migsafe_plan'
LANGUAGE C STABLE PARALLEL RESTRICTED;

COMMENT ON FUNCTION migsafe_plan(text) IS
    'for each statement of a SQL script: the lock it takes on each table, the work done under it, the table''s size and rows, and its findings';

-- Changed: migsafe_status() lists migsafe.require_lock_timeout and
-- migsafe.ddl_lock_timeout. CREATE OR REPLACE keeps its grants.
CREATE OR REPLACE FUNCTION migsafe_status(OUT item text, OUT name text, OUT detail text)
RETURNS SETOF record
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'setting', 'migsafe.mode', current_setting('migsafe.mode')
    UNION ALL
    SELECT 'setting', 'migsafe.review_action', current_setting('migsafe.review_action')
    UNION ALL
    SELECT 'setting', 'migsafe.require_registered_approval', current_setting('migsafe.require_registered_approval')
    UNION ALL
    SELECT 'setting', 'migsafe.approved_migration', current_setting('migsafe.approved_migration')
    UNION ALL
    SELECT 'setting', 'migsafe.max_rewrite_size', current_setting('migsafe.max_rewrite_size')
    UNION ALL
    SELECT 'setting', 'migsafe.require_lock_timeout', current_setting('migsafe.require_lock_timeout')
    UNION ALL
    SELECT 'setting', 'migsafe.ddl_lock_timeout', current_setting('migsafe.ddl_lock_timeout')
    UNION ALL
    SELECT 'layer', migsafe_guard_layer(),
           CASE WHEN migsafe_guard_layer() LIKE '%shared_preload_libraries%' THEN 'every statement of every session is judged'
                ELSE 'WARNING: migsafe is not in shared_preload_libraries: a session is fully guarded only once it '
                     'has loaded the library (any migsafe function or event trigger); until then only DDL is, '
                     'by the event triggers, and TRUNCATE, DROP DATABASE, DELETE and UPDATE are not' END
    UNION ALL
    (SELECT 'layer', 'event trigger ' || e.evtname,
            CASE e.evtenabled WHEN 'A' THEN 'enabled always'
                 WHEN 'D' THEN 'WARNING: disabled' ELSE 'WARNING: not enabled always (session_replication_role silences it)' END
     FROM pg_event_trigger e
     WHERE e.evtname IN ('migsafe_ddl_command_start', 'migsafe_sql_drop', 'migsafe_table_rewrite')
     ORDER BY e.evtname)
    UNION ALL
    (SELECT 'window', w.id::text,
            format('open until %s by %s: %s; objects: %s', to_char(w.closes_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), w.opened_by, w.reason,
                   coalesce(array_to_string(w.objects, ', '), 'all but protected tables'))
     FROM migsafe.windows w
     WHERE w.closed_at IS NULL AND w.closes_at > clock_timestamp()
     ORDER BY w.id)
    UNION ALL
    (SELECT 'approval', a.migration,
            format('valid until %s, approved by %s: %s; objects: %s', to_char(a.valid_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), a.approved_by, a.reason,
                   coalesce(array_to_string(a.objects, ', '), 'all but protected tables'))
     FROM migsafe.approvals a
     WHERE a.revoked_at IS NULL AND a.valid_until > clock_timestamp()
       AND a.id = (SELECT max(b.id) FROM migsafe.approvals b WHERE b.migration = a.migration)
     ORDER BY a.migration)
    UNION ALL
    (SELECT 'protected', p.rel::text, format('by %s: %s', p.protected_by, p.reason)
     FROM migsafe.protected_tables p
     ORDER BY p.rel::text)
$$;
