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
    OUT rules text[],
    OUT granted_now boolean,
    OUT blockers text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'migsafe_plan'
LANGUAGE C STABLE PARALLEL RESTRICTED;

COMMENT ON FUNCTION migsafe_plan(text) IS
    'for each statement of a SQL script: the lock it takes on each table, the work done under it, the table''s size and rows, its findings, and whether the lock would be granted now or who holds it';

-- New: migsafe_recovery(), the backup gate's view (migsafe_status() uses it).
CREATE FUNCTION migsafe_recovery()
RETURNS text
AS 'MODULE_PATHNAME', 'migsafe_recovery'
LANGUAGE C STRICT VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION migsafe_recovery() IS
    'whether point-in-time recovery to now is possible (WAL archiving on, its last attempt a success, within migsafe.max_archive_age): what migsafe.require_recovery = archiving checks';

-- Changed: migsafe_status() lists migsafe.require_lock_timeout,
-- migsafe.ddl_lock_timeout, the lock wait's settings, the backup gate's
-- settings and state, migsafe.mass_change_min_rows and
-- migsafe.session_script_window. CREATE OR REPLACE keeps its grants.
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
    SELECT 'setting', 'migsafe.lock_wait_budget', current_setting('migsafe.lock_wait_budget')
    UNION ALL
    SELECT 'setting', 'migsafe.max_lock_wait_budget', current_setting('migsafe.max_lock_wait_budget')
    UNION ALL
    SELECT 'setting', 'migsafe.max_blocker_age', current_setting('migsafe.max_blocker_age')
    UNION ALL
    SELECT 'setting', 'migsafe.lock_wait_always', current_setting('migsafe.lock_wait_always')
    UNION ALL
    SELECT 'setting', 'migsafe.require_recovery', current_setting('migsafe.require_recovery')
    UNION ALL
    SELECT 'setting', 'migsafe.max_archive_age', current_setting('migsafe.max_archive_age')
    UNION ALL
    SELECT 'setting', 'migsafe.keep_dropped', current_setting('migsafe.keep_dropped')
    UNION ALL
    SELECT 'recovery', 'point-in-time recovery', migsafe_recovery()
    UNION ALL
    SELECT 'setting', 'migsafe.mass_change_min_rows', current_setting('migsafe.mass_change_min_rows')
    UNION ALL
    SELECT 'setting', 'migsafe.session_script_window', current_setting('migsafe.session_script_window')
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
    (SELECT 'script approval', a.script_sha256,
            format('valid until %s, approved by %s: %s; %s statements, %s with findings, %s ran%s; objects: %s',
                   to_char(a.valid_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'), a.approved_by, a.reason,
                   s.total, s.with_findings, s.ran, CASE WHEN a.single_use THEN ' (single use)' ELSE '' END,
                   coalesce(array_to_string(a.objects, ', '), 'all but protected tables'))
     FROM migsafe.script_approvals a
     CROSS JOIN LATERAL (SELECT count(*) AS total, count(*) FILTER (WHERE cardinality(t.rules) > 0) AS with_findings,
                                count(*) FILTER (WHERE t.runs > 0) AS ran
                         FROM migsafe.script_statements t WHERE t.approval = a.id) s
     WHERE a.revoked_at IS NULL AND a.valid_until > clock_timestamp()
     ORDER BY a.id)
    UNION ALL
    (SELECT 'protected', p.rel::text, format('by %s: %s', p.protected_by, p.reason)
     FROM migsafe.protected_tables p
     ORDER BY p.rel::text)
$$;

-- Changed: an approval's or window's objects are resolved when it is given,
-- in the approver's search_path (a table renamed into its names later is not
-- covered). Rows from 0.1.0 keep NULL in the new columns: their names are
-- resolved when the statement runs, as before. migsafe_approve() and
-- migsafe_open_window() become C functions that resolve the objects and call
-- the new migsafe.approve() and migsafe.open_window(); CREATE OR REPLACE
-- keeps the GRANTs a DBA gave on them.
ALTER TABLE migsafe.approvals ADD COLUMN object_relids regclass[], ADD COLUMN object_parts text[];
ALTER TABLE migsafe.windows ADD COLUMN object_relids regclass[], ADD COLUMN object_parts text[];

-- The approval itself. Called only by migsafe_approve() (below), which first
-- resolves the objects in the approver's search_path: this function's fixed
-- search_path could not.
CREATE FUNCTION migsafe.approve(
    migration text,
    reason text,
    valid_for interval,
    objects text[],
    object_relids regclass[],
    object_parts text[])
RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET migsafe.state_write = on
AS $$
DECLARE
    until timestamptz;
BEGIN
    PERFORM migsafe.check_text(migration, 'migration');
    PERFORM migsafe.check_text(reason, 'reason');
    PERFORM migsafe.check_duration(valid_for, 'valid_for');
    PERFORM migsafe.check_objects(objects);
    INSERT INTO migsafe.approvals (migration, reason, objects, approved_by, approved_at, valid_until,
                                   object_relids, object_parts)
    VALUES (migration, reason, objects, session_user, clock_timestamp(), clock_timestamp() + valid_for,
            object_relids, object_parts)
    RETURNING valid_until INTO until;
    RETURN until;
END;
$$;

-- In C: resolves each object to the relation it names now, in the caller's
-- search_path (so that a table renamed into the approval's names later is not
-- covered), then calls migsafe.approve(). EXECUTE is what makes an approver.
CREATE OR REPLACE FUNCTION migsafe_approve(
    migration text,
    reason text,
    valid_for interval DEFAULT '1 hour',
    objects text[] DEFAULT NULL)
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'migsafe_approve'
LANGUAGE C;
COMMENT ON FUNCTION migsafe_approve(text, text, interval, text[]) IS
    'approves a migration by name, for valid_for, for the listed objects (NULL: all but protected tables); returns when it expires';

-- The window itself, called only by migsafe_open_window() (as for approvals).
CREATE FUNCTION migsafe.open_window(
    duration interval,
    reason text,
    objects text[],
    object_relids regclass[],
    object_parts text[])
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET migsafe.state_write = on
AS $$
DECLARE
    window_id bigint;
BEGIN
    PERFORM migsafe.check_duration(duration, 'duration');
    PERFORM migsafe.check_text(reason, 'reason');
    PERFORM migsafe.check_objects(objects);
    INSERT INTO migsafe.windows (reason, objects, opened_by, opened_at, closes_at, object_relids, object_parts)
    VALUES (reason, objects, session_user, clock_timestamp(), clock_timestamp() + duration, object_relids, object_parts)
    RETURNING id INTO window_id;
    RETURN window_id;
END;
$$;

CREATE OR REPLACE FUNCTION migsafe_open_window(duration interval, reason text, objects text[] DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'migsafe_open_window'
LANGUAGE C;
COMMENT ON FUNCTION migsafe_open_window(interval, text, text[]) IS
    'opens a maintenance window in this database for duration; returns its id';

REVOKE ALL ON FUNCTION migsafe.approve(text, text, interval, text[], regclass[], text[]),
    migsafe.open_window(interval, text, text[], regclass[], text[]) FROM PUBLIC;

-- New: approvals by content.
ALTER TABLE migsafe.audit_log ADD COLUMN script_approval bigint, ADD COLUMN script_sha256 text;

-- New: the lock wait's times, the outcome 'ran' of DDL audited for them, and
-- where migsafe.keep_dropped kept a dropped table.
ALTER TABLE migsafe.audit_log ADD COLUMN lock_wait interval, ADD COLUMN lock_held interval, ADD COLUMN kept_as text,
    DROP CONSTRAINT audit_log_outcome_check,
    ADD CONSTRAINT audit_log_outcome_check CHECK (outcome IN ('approved', 'window', 'warned', 'ran'));
COMMENT ON TABLE migsafe.audit_log IS
    'every dangerous statement that ran: approved, in a maintenance window, or in warn mode; and, under migsafe.lock_wait_budget, every DDL that waited for its locks, with its lock times';

-- ---------------------------------------------------------------------------
-- Approvals by content: migsafe_approve_script() approves the statements of
-- a reviewed script, whoever runs them, with no setting on the client. Each
-- statement is kept by its fingerprint: the SHA-256 of its tokens as
-- PostgreSQL's lexer reads them (white space, comments and the client's way
-- of splitting the script do not count; any other edit does).
-- ---------------------------------------------------------------------------

CREATE TABLE migsafe.script_approvals (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    script_sha256 text NOT NULL CHECK (length(script_sha256) = 64),
    reason        text NOT NULL CHECK (reason <> ''),
    objects       text[] CHECK (cardinality(objects) > 0),
    object_relids regclass[],
    object_parts  text[],
    single_use    boolean NOT NULL,
    approved_by   text NOT NULL,
    approved_at   timestamptz NOT NULL,
    valid_until   timestamptz NOT NULL,
    revoked_by    text,
    revoked_at    timestamptz
);
CREATE INDEX script_approvals_sha256 ON migsafe.script_approvals (script_sha256);
COMMENT ON TABLE migsafe.script_approvals IS
    'approvals given with migsafe_approve_script(): the statements of a reviewed script, in any session';

CREATE TABLE migsafe.script_statements (
    approval    bigint NOT NULL,
    ordinal     integer NOT NULL,
    fingerprint text NOT NULL,
    statement   text NOT NULL,
    rules       text[] NOT NULL,
    -- What its findings named when it was approved, resolved in the
    -- approver's search_path: the relation's OID where the name was one
    -- (the statement covers that relation only, wherever the name resolves
    -- when it runs), NULL where it named none then (compared by name).
    objects       text[] NOT NULL DEFAULT '{}',
    object_relids regclass[] NOT NULL DEFAULT '{}',
    runs        integer NOT NULL DEFAULT 0,
    last_run_at timestamptz,
    PRIMARY KEY (approval, ordinal)
);
CREATE INDEX script_statements_fingerprint ON migsafe.script_statements (fingerprint);
COMMENT ON TABLE migsafe.script_statements IS
    'the statements of each script approval: fingerprint, text, the rules they triggered when approved, and their runs';

REVOKE ALL ON migsafe.script_approvals, migsafe.script_statements FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('migsafe.script_approvals', '');
SELECT pg_catalog.pg_extension_config_dump('migsafe.script_statements', '');

-- The approval itself, called only by migsafe_approve_script() (below), which
-- parses the script, fingerprints and classifies its statements and resolves
-- the objects in the approver's search_path.
CREATE FUNCTION migsafe.approve_script(
    sha256 text,
    reason text,
    valid_for interval,
    objects text[],
    single_use boolean,
    fingerprints text[],
    texts text[],
    statement_rules text[],
    object_relids regclass[],
    object_parts text[],
    pin_ordinals integer[],
    pin_names text[],
    pin_relids regclass[],
    OUT approval bigint,
    OUT script_sha256 text,
    OUT statements integer,
    OUT with_findings integer,
    OUT valid_until timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET migsafe.state_write = on
AS $$
BEGIN
    PERFORM migsafe.check_text(reason, 'reason');
    PERFORM migsafe.check_duration(valid_for, 'valid_for');
    PERFORM migsafe.check_objects(objects);
    IF cardinality(fingerprints) IS NULL OR cardinality(fingerprints) = 0 THEN
        RAISE EXCEPTION 'the script has no statement' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF single_use IS NULL THEN
        RAISE EXCEPTION 'single_use must not be NULL' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO migsafe.script_approvals AS a (script_sha256, reason, objects, object_relids, object_parts,
                                               single_use, approved_by, approved_at, valid_until)
    VALUES (sha256, reason, objects, object_relids, object_parts, single_use, session_user, clock_timestamp(),
            clock_timestamp() + valid_for)
    RETURNING a.id, a.script_sha256, a.valid_until INTO approval, approve_script.script_sha256, valid_until;
    INSERT INTO migsafe.script_statements (approval, ordinal, fingerprint, statement, rules, objects, object_relids)
    SELECT approve_script.approval, s.ordinal, s.fingerprint, s.statement,
           coalesce(string_to_array(nullif(s.rules, ''), ','), '{}'),
           coalesce(p.names, '{}'), coalesce(p.relids, '{}')
    FROM unnest(fingerprints, texts, statement_rules) WITH ORDINALITY AS s(fingerprint, statement, rules, ordinal)
    LEFT JOIN LATERAL (SELECT array_agg(n.name ORDER BY n.i) AS names, array_agg(n.relid ORDER BY n.i) AS relids
                       FROM unnest(pin_ordinals, pin_names, pin_relids) WITH ORDINALITY AS n(ordinal, name, relid, i)
                       WHERE n.ordinal = s.ordinal) p ON true;
    statements := cardinality(fingerprints);
    SELECT count(*) INTO with_findings FROM unnest(statement_rules) r WHERE r <> '';
END;
$$;

-- In C: the script is parsed and each statement fingerprinted and classified
-- as the guard would, in this database; then migsafe.approve_script()
-- records it. EXECUTE is what makes an approver, as for migsafe_approve().
CREATE FUNCTION migsafe_approve_script(
    script text,
    reason text,
    valid_for interval DEFAULT '1 hour',
    objects text[] DEFAULT NULL,
    single_use boolean DEFAULT false,
    OUT approval bigint,
    OUT script_sha256 text,
    OUT statements integer,
    OUT with_findings integer,
    OUT valid_until timestamptz)
AS 'MODULE_PATHNAME', 'migsafe_approve_script'
LANGUAGE C;
COMMENT ON FUNCTION migsafe_approve_script(text, text, interval, text[], boolean) IS
    'approves the statements of a reviewed script, in any session, for valid_for (single_use: each statement runs once); returns the approval';

CREATE FUNCTION migsafe_revoke_script(script_sha256 text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET migsafe.state_write = on
AS $$
DECLARE
    revoked integer;
BEGIN
    PERFORM migsafe.check_text(script_sha256, 'script_sha256');
    UPDATE migsafe.script_approvals a
    SET revoked_by = session_user, revoked_at = clock_timestamp()
    WHERE a.script_sha256 = lower(migsafe_revoke_script.script_sha256)
      AND a.revoked_at IS NULL AND a.valid_until > clock_timestamp();
    GET DIAGNOSTICS revoked = ROW_COUNT;
    IF revoked = 0 THEN
        RAISE EXCEPTION 'no valid script approval with SHA-256 %', script_sha256
            USING ERRCODE = 'undefined_object',
                  HINT = 'SELECT * FROM migsafe_status() lists the valid approvals.';
    END IF;
    RETURN revoked;
END;
$$;
COMMENT ON FUNCTION migsafe_revoke_script(text) IS
    'withdraws the valid approvals of the script with this SHA-256; returns how many';

REVOKE ALL ON FUNCTION migsafe.approve_script(text, text, interval, text[], boolean, text[], text[], text[], regclass[], text[],
                                               integer[], text[], regclass[])
    FROM PUBLIC;
REVOKE ALL ON FUNCTION migsafe_approve_script(text, text, interval, text[], boolean), migsafe_revoke_script(text)
    FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- The undo window (migsafe.keep_dropped): an approved DROP TABLE of a table
-- nothing else depends on moves it into schema migsafe_dropped, under a
-- name that records the time, instead of deleting its rows. Its indexes,
-- owned sequences and row type go with it, renamed there so that two kept
-- tables never clash; its foreign keys to other tables are dropped (a kept
-- table must not hold back or receive the application's deletes) and put
-- back NOT VALID by migsafe_restore().
-- ---------------------------------------------------------------------------

CREATE SCHEMA migsafe_dropped;
COMMENT ON SCHEMA migsafe_dropped IS 'tables an approved DROP TABLE kept for migsafe.keep_dropped: migsafe_dropped(), migsafe_restore(), migsafe_purge()';
REVOKE ALL ON SCHEMA migsafe_dropped FROM PUBLIC;

CREATE TABLE migsafe.dropped (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kept_as       text NOT NULL UNIQUE,
    schema_name   text NOT NULL,
    table_name    text NOT NULL,
    -- The kept names of its indexes and owned sequences, with their own.
    renamed       jsonb NOT NULL DEFAULT '{}',
    -- Its foreign keys to other tables, as ALTER TABLE ... ADD CONSTRAINT
    -- ... NOT VALID statements for the table back in its place.
    foreign_keys  text[] NOT NULL DEFAULT '{}',
    dropped_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    keep_until    timestamptz NOT NULL,
    dropped_by    text NOT NULL,
    statement     text NOT NULL
);
COMMENT ON TABLE migsafe.dropped IS 'the tables kept in schema migsafe_dropped by an approved DROP TABLE (migsafe.keep_dropped)';
REVOKE ALL ON migsafe.dropped FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('migsafe.dropped', '');

-- Called by the guard, as the extension's owner, in place of the DROP:
-- returns the kept name, or 'not kept: <why>' (the DROP then runs as it is).
CREATE FUNCTION migsafe.keep_dropped(rel regclass, keep_for interval, stmt text)
RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    c pg_class;
    schema text;
    dependents text;
    base text;
    kept text;
    n int := 0;
    renamed jsonb := '{}';
    fks text[];
    sub record;
BEGIN
    SELECT * INTO c FROM pg_class WHERE oid = rel;
    schema := (SELECT nspname FROM pg_namespace WHERE oid = c.relnamespace);
    IF c.relkind = 'p' OR c.relispartition THEN
        RETURN 'not kept: a partitioned table or a partition (partitions go with their parent; DETACH one to keep it)';
    ELSIF c.relkind <> 'r' THEN
        RETURN 'not kept: not an ordinary table';
    ELSIF c.relpersistence = 't' THEN
        RETURN 'not kept: a temporary table';
    ELSIF EXISTS (SELECT FROM pg_inherits WHERE inhrelid = rel OR inhparent = rel) THEN
        RETURN 'not kept: part of an inheritance tree';
    ELSIF EXISTS (SELECT FROM pg_depend WHERE classid = 'pg_class'::regclass AND objid = rel AND deptype = 'e') THEN
        RETURN 'not kept: a table of an extension';
    ELSIF schema = 'migsafe_dropped' THEN
        RETURN 'not kept: it is kept already (migsafe_purge() drops it)';
    END IF;
    -- What a DROP without CASCADE would refuse for: objects that depend on
    -- the table, or on what goes with it (its indexes, owned sequences, row
    -- type), and are not among those: views, foreign keys pointing at it,
    -- another table's default that uses its sequence, functions whose body
    -- names it, ...
    WITH own(classid, objid) AS (
        SELECT 'pg_class'::regclass, rel::oid
        UNION ALL SELECT 'pg_class'::regclass, indexrelid FROM pg_index WHERE indrelid = rel
        UNION ALL SELECT 'pg_class'::regclass, s.oid FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
                  WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                    AND d.refobjid = rel AND d.deptype IN ('a', 'i') AND s.relkind = 'S'
        UNION ALL SELECT 'pg_type'::regclass, c.reltype
        UNION ALL SELECT 'pg_type'::regclass, typarray FROM pg_type WHERE oid = c.reltype
        UNION ALL SELECT 'pg_constraint'::regclass, oid FROM pg_constraint WHERE conrelid = rel
        UNION ALL SELECT 'pg_attrdef'::regclass, oid FROM pg_attrdef WHERE adrelid = rel)
    SELECT string_agg(DISTINCT CASE WHEN d.classid = 'pg_rewrite'::regclass  -- a view's rule: the view
                                    THEN (SELECT pg_describe_object('pg_class'::regclass, r.ev_class, 0)
                                          FROM pg_rewrite r WHERE r.oid = d.objid)
                                    ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END, ', ')
    INTO dependents
    FROM pg_depend d
    WHERE d.deptype = 'n' AND (d.refclassid, d.refobjid) IN (SELECT classid, objid FROM own)
      AND (d.classid, d.objid) NOT IN (SELECT classid, objid FROM own);
    IF dependents IS NOT NULL THEN
        RETURN 'not kept: other objects depend on it (' || dependents || ')';
    END IF;

    base := left(c.relname, 40) || '_' || to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYYMMDD_HH24MISS');
    kept := base;
    WHILE EXISTS (SELECT FROM migsafe.dropped WHERE kept_as = kept)
          OR to_regclass(format('migsafe_dropped.%I', kept)) IS NOT NULL LOOP
        n := n + 1;
        kept := base || '_' || n;
    END LOOP;

    -- As ALTER TABLE texts for the table back where it was, NOT VALID.
    SELECT coalesce(array_agg(format('ALTER TABLE %I.%I ADD CONSTRAINT %I %s%s', schema, c.relname, conname,
                                     pg_get_constraintdef(oid), CASE WHEN convalidated THEN ' NOT VALID' ELSE '' END)
                              ORDER BY conname), '{}')
    INTO fks FROM pg_constraint WHERE conrelid = rel AND contype = 'f' AND confrelid <> rel;
    FOR sub IN SELECT conname FROM pg_constraint WHERE conrelid = rel AND contype = 'f' AND confrelid <> rel LOOP
        EXECUTE format('ALTER TABLE %I.%I DROP CONSTRAINT %I', schema, c.relname, sub.conname);
    END LOOP;

    -- Its indexes and owned sequences, renamed where they are.
    n := 0;
    FOR sub IN
        SELECT i.relname, i.relkind FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = rel
        UNION ALL
        SELECT s.relname, s.relkind FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
        WHERE d.classid = 'pg_class'::regclass AND d.refobjid = rel AND d.deptype IN ('a', 'i') AND s.relkind = 'S'
        ORDER BY 1
    LOOP
        n := n + 1;
        renamed := renamed || jsonb_build_object(kept || '_' || n, sub.relname);
        EXECUTE format('ALTER %s %I.%I RENAME TO %I', CASE sub.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'INDEX' END,
                       schema, sub.relname, kept || '_' || n);
    END LOOP;
    EXECUTE format('ALTER TABLE %I.%I SET SCHEMA migsafe_dropped', schema, c.relname);
    EXECUTE format('ALTER TABLE migsafe_dropped.%I RENAME TO %I', c.relname, kept);
    INSERT INTO migsafe.dropped (kept_as, schema_name, table_name, renamed, foreign_keys, keep_until, dropped_by, statement)
    VALUES (kept, schema, c.relname, renamed, fks, clock_timestamp() + keep_for, session_user, stmt);
    RETURN kept;
END;
$$;
REVOKE ALL ON FUNCTION migsafe.keep_dropped(regclass, interval, text) FROM PUBLIC;

CREATE FUNCTION migsafe_dropped(OUT kept_as text, OUT original text, OUT dropped_at timestamptz,
                                OUT keep_until timestamptz, OUT dropped_by text, OUT size bigint)
RETURNS SETOF record
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT d.kept_as, format('%I.%I', d.schema_name, d.table_name), d.dropped_at, d.keep_until, d.dropped_by,
           pg_total_relation_size(to_regclass(format('migsafe_dropped.%I', d.kept_as)))
    FROM migsafe.dropped d ORDER BY d.dropped_at, d.id
$$;
COMMENT ON FUNCTION migsafe_dropped() IS
    'the tables kept by an approved DROP TABLE (migsafe.keep_dropped): where they were, until when, their size';

CREATE FUNCTION migsafe_restore(kept_as text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET migsafe.state_write = on
AS $$
DECLARE
    d migsafe.dropped;
    taken text;
    fk text;
    kept_name text;
BEGIN
    SELECT * INTO d FROM migsafe.dropped WHERE dropped.kept_as = migsafe_restore.kept_as FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no kept table "%"', kept_as USING ERRCODE = 'undefined_table',
            HINT = 'SELECT * FROM migsafe_dropped() lists them.';
    END IF;
    IF to_regnamespace(quote_ident(d.schema_name)) IS NULL THEN
        RAISE EXCEPTION 'cannot restore %: schema % does not exist any more', d.kept_as, quote_ident(d.schema_name)
            USING ERRCODE = 'invalid_schema_name', HINT = 'Create the schema first.';
    END IF;
    SELECT string_agg(format('%I.%I', d.schema_name, name), ', ') INTO taken
    FROM (SELECT d.table_name AS name UNION ALL SELECT value FROM jsonb_each_text(d.renamed)) n
    WHERE to_regclass(format('%I.%I', d.schema_name, name)) IS NOT NULL;
    IF taken IS NOT NULL THEN
        RAISE EXCEPTION 'cannot restore % as %.%: % exists', d.kept_as, quote_ident(d.schema_name),
            quote_ident(d.table_name), taken USING ERRCODE = 'duplicate_table',
            HINT = 'Rename or drop what took the name, then restore again.';
    END IF;
    FOR kept_name, taken IN SELECT key, value FROM jsonb_each_text(d.renamed) LOOP
        EXECUTE format('ALTER %s migsafe_dropped.%I RENAME TO %I',
                       CASE (SELECT relkind FROM pg_class WHERE oid = to_regclass(format('migsafe_dropped.%I', kept_name)))
                           WHEN 'S' THEN 'SEQUENCE' ELSE 'INDEX' END, kept_name, taken);
    END LOOP;
    EXECUTE format('ALTER TABLE migsafe_dropped.%I RENAME TO %I', d.kept_as, d.table_name);
    EXECUTE format('ALTER TABLE migsafe_dropped.%I SET SCHEMA %I', d.table_name, d.schema_name);
    FOREACH fk IN ARRAY d.foreign_keys LOOP
        EXECUTE fk;
    END LOOP;
    IF cardinality(d.foreign_keys) > 0 THEN
        RAISE NOTICE 'the foreign keys of %.% are back NOT VALID: validate them with ALTER TABLE ... VALIDATE CONSTRAINT',
            quote_ident(d.schema_name), quote_ident(d.table_name);
    END IF;
    DELETE FROM migsafe.dropped WHERE id = d.id;
    RETURN format('%I.%I', d.schema_name, d.table_name);
END;
$$;
COMMENT ON FUNCTION migsafe_restore(text) IS
    'puts a kept table back where it was, with its indexes, sequences, rows and privileges (refused if the name is taken)';

CREATE FUNCTION migsafe_purge(kept_as text DEFAULT NULL)
RETURNS SETOF text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET migsafe.state_write = on
AS $$
DECLARE
    d migsafe.dropped;
BEGIN
    IF kept_as IS NOT NULL AND NOT EXISTS (SELECT FROM migsafe.dropped WHERE dropped.kept_as = migsafe_purge.kept_as) THEN
        RAISE EXCEPTION 'no kept table "%"', kept_as USING ERRCODE = 'undefined_table';
    END IF;
    FOR d IN SELECT * FROM migsafe.dropped
             WHERE CASE WHEN migsafe_purge.kept_as IS NULL THEN keep_until <= clock_timestamp()
                        ELSE dropped.kept_as = migsafe_purge.kept_as END
             ORDER BY id FOR UPDATE
    LOOP
        EXECUTE format('DROP TABLE IF EXISTS migsafe_dropped.%I', d.kept_as);
        DELETE FROM migsafe.dropped WHERE id = d.id;
        RETURN NEXT d.kept_as;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION migsafe_purge(text) IS
    'drops the kept tables past their time (or the one named, now); run it daily, for example from pg_cron';

REVOKE ALL ON FUNCTION migsafe_dropped(), migsafe_restore(text), migsafe_purge(text) FROM PUBLIC;
