# ALTER EXTENSION migsafe UPDATE from every released version, on the guarded
# cluster (migsafe preloaded, enforce). A database created at each keeps its
# approvals, windows, protected tables, audit rows and the GRANTs a DBA gave,
# and they still work after the update. Then the drift test: the extension's
# objects (test/integration/extension_objects.sql) after CREATE EXTENSION at
# an old version + UPDATE must equal those of a fresh CREATE EXTENSION; when
# an install script changes and its upgrade script does not, this fails with
# the diff. Sourced by run.

# Every released version: the install scripts pinned in released-scripts.sha256.
read -r -a released_versions <<<"$(sed -nE 's/.*  migsafe--([^-]+)\.sql$/\1/p' "$here/released-scripts.sha256" | xargs)"
update_db=migsafe_it_update
objects_sql=$here/extension_objects.sql

# usql DB [psql args...]: the superuser on another database of the cluster.
usql() {
    local db=$1; shift
    psql -X -q -At -v ON_ERROR_STOP=1 -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$db" "$@"
}
# fresh_db NAME: drops and creates a database (the guard off, to drop it).
fresh_db() {
    PGOPTIONS="-c migsafe.mode=off -c client_min_messages=warning" usql postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
}
drop_db() { PGOPTIONS="-c migsafe.mode=off -c client_min_messages=warning" usql postgres -c "DROP DATABASE IF EXISTS $1" >/dev/null; }
# state_digest DB: the rows of migsafe's state tables, as counts and checksums
# (of the columns every version has: 0.2.0 added the resolved scopes and the
# audit's script approval, NULL in rows from before).
state_digest() {
    local old_columns="(to_jsonb(t) - 'object_relids' - 'object_parts')::text"
    local old_audit_columns="(to_jsonb(t) - 'script_approval' - 'script_sha256' - 'lock_wait' - 'lock_held' - 'kept_as')::text"
    usql "$1" -F ' ' -c "
        SELECT 'approvals', count(*), md5(coalesce(string_agg($old_columns, '|' ORDER BY t.id), '')) FROM migsafe.approvals t
        UNION ALL SELECT 'windows', count(*), md5(coalesce(string_agg($old_columns, '|' ORDER BY t.id), '')) FROM migsafe.windows t
        UNION ALL SELECT 'protected_tables', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.rel), '')) FROM migsafe.protected_tables t
        UNION ALL SELECT 'audit_log', count(*), md5(coalesce(string_agg($old_audit_columns, '|' ORDER BY t.id), '')) FROM migsafe.audit_log t"
}
default_version=$(sed -nE "s/^default_version *= *'([^']+)'.*/\1/p" "$here/../../migsafe.control")

# --- the installed scripts: every version reachable, every update path -------

installed_versions=$(usql postgres -c \
    "SELECT string_agg(version, ' ' ORDER BY version) FROM pg_available_extension_versions WHERE name = 'migsafe'")
missing=""
for version in "${released_versions[@]}" "$default_version"; do
    grep -qwF -- "$version" <<<"$installed_versions" || missing+=" $version"
done
expect_equal "every released version and $default_version are installed (make install installs every script)" "" "$missing"
expect_equal "an update path leads from every released version to $default_version" "" \
    "$(usql postgres -c "SELECT string_agg(source, ' ') FROM pg_extension_update_paths('migsafe')
                         WHERE target = '$default_version' AND source <> target AND path IS NULL
                           AND source = ANY (string_to_array('${released_versions[*]}', ' '))")"

# --- a database created at each released version, with state, updated --------

for old_version in "${released_versions[@]}"; do
    [ "$old_version" = "$default_version" ] && continue
    fresh_db $update_db
    usql postgres >/dev/null 2>&1 <<'SQL'
SET client_min_messages = warning;
DROP ROLE IF EXISTS migsafe_it_approver;
CREATE ROLE migsafe_it_approver LOGIN;
SQL
    if ! usql $update_db >"$WORK/update-setup.out" 2>&1 <<SQL
CREATE EXTENSION migsafe VERSION '$old_version';
CREATE TABLE approved_t (id int);
CREATE TABLE other_t (id int);
CREATE TABLE windowed_t (id int);
CREATE TABLE guarded_t (id int);
INSERT INTO approved_t VALUES (1), (2);
INSERT INTO other_t VALUES (1);
INSERT INTO windowed_t VALUES (1), (2);
SQL
    then
        fail "a database at $old_version with approvals, a window, protection and audit rows" "$(cat "$WORK/update-setup.out")"
        continue
    fi
    # A session of its own: the tables above exist before it.
    if ! usql $update_db >"$WORK/update-setup.out" 2>&1 <<SQL
GRANT USAGE ON SCHEMA public TO migsafe_it_approver;
GRANT EXECUTE ON FUNCTION migsafe_approve(text, text, interval, text[]) TO migsafe_it_approver;
SELECT migsafe_approve('it_update', 'before the update', '1 hour', ARRAY['approved_t']);
SELECT migsafe_open_window('1 hour', 'before the update', ARRAY['windowed_t']);
SELECT migsafe_protect('guarded_t', 'before the update');
-- audit rows: one under the approval, one in the window
SET migsafe.approved_migration = 'it_update';
TRUNCATE approved_t;
RESET migsafe.approved_migration;
DELETE FROM windowed_t;
-- rows again, for the same statements after the update
INSERT INTO approved_t VALUES (1), (2);
INSERT INTO windowed_t VALUES (1), (2);
SQL
    then
        fail "a database at $old_version with approvals, a window, protection and audit rows" "$(cat "$WORK/update-setup.out")"
        continue
    fi
    before=$(state_digest $update_db)
    expect_equal "the database at $old_version has its state (approvals, windows, protected, audit)" \
        "approvals windows protected_tables audit_log 1 1 1 2" \
        "$(awk '{print $1}' <<<"$before" | xargs) $(awk '{print $2}' <<<"$before" | xargs)"

    # The update itself runs under the guard in enforce mode, without an
    # approval: ALTER EXTENSION ... UPDATE is not a self-protection finding,
    # and the upgrade script's own statements are not judged.
    expect_ok "ALTER EXTENSION migsafe UPDATE from $old_version, guard enforcing" \
        usql $update_db -c 'ALTER EXTENSION migsafe UPDATE'
    expect_equal "after the update from $old_version the version is $default_version" "$default_version" \
        "$(usql $update_db -c "SELECT extversion FROM pg_extension WHERE extname = 'migsafe'")"
    expect_equal "the update from $old_version keeps every row of approvals, windows, protected tables and audit" \
        "$before" "$(state_digest $update_db)"

    # What the kept state allows and refuses.
    expect_ok "after the update, the approval still lets its statement run" \
        env PGOPTIONS='-c migsafe.approved_migration=it_update' psql -X -q -v ON_ERROR_STOP=1 \
        -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d $update_db -c 'TRUNCATE approved_t'
    expect_blocked "after the update, a statement the approval does not cover is refused" \
        env PGOPTIONS='-c migsafe.approved_migration=it_update' psql -X -q -v ON_ERROR_STOP=1 \
        -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d $update_db -c 'TRUNCATE other_t'
    expect_ok "after the update, the window still lets its table change" \
        usql $update_db -c 'DELETE FROM windowed_t'
    out=$(usql $update_db -v VERBOSITY=verbose -c 'ALTER TABLE guarded_t ADD COLUMN note text' 2>&1)
    if grep -q 'MS001' <<<"$out" && grep -q 'protected-table' <<<"$out"; then
        pass "after the update, the protected table is still protected"
    else
        fail "after the update, the protected table is still protected" "$out"
    fi
    expect_equal "after the update, the statements that ran are audited as before" "approved:2 window:2" \
        "$(usql $update_db -c "SELECT string_agg(outcome || ':' || n, ' ' ORDER BY outcome)
                               FROM (SELECT outcome, count(*) AS n FROM migsafe.audit_log GROUP BY outcome) o")"

    # Privileges: the DBA's GRANT is kept, the REVOKE FROM PUBLIC too.
    expect_ok "after the update, the role granted migsafe_approve() before can approve" \
        psql -X -q -v ON_ERROR_STOP=1 -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U migsafe_it_approver -d $update_db \
        -c "SELECT migsafe_approve('it_after_update', 'granted before the update', '5 minutes', ARRAY['other_t'])"
    expect_equal "after the update, a new approval stores the relation its name resolved to; the old one keeps names" \
        "it_after_update:other_t it_update:" \
        "$(usql $update_db -c "SELECT string_agg(migration || ':' || coalesce(object_relids[1]::regclass::text, ''), ' '
                                                ORDER BY migration) FROM migsafe.approvals")"
    out=$(psql -X -q -v ON_ERROR_STOP=1 -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U migsafe_it_approver -d $update_db \
        -c "SELECT migsafe_unprotect('guarded_t')" 2>&1)
    if grep -q 'permission denied for function migsafe_unprotect' <<<"$out"; then
        pass "after the update, functions never granted are still not executable by other roles"
    else
        fail "after the update, functions never granted are still not executable by other roles" "$out"
    fi
    expect_equal "after the update, PUBLIC still cannot execute the SECURITY DEFINER functions" "" \
        "$(usql $update_db -c "SELECT string_agg(p.oid::regprocedure::text, ', ')
                               FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                               JOIN pg_extension e ON d.refobjid = e.oid AND e.extname = 'migsafe' AND d.deptype = 'e'
                               WHERE p.prosecdef AND p.proname <> 'migsafe_status'
                                 AND has_function_privilege('public', p.oid, 'EXECUTE')")"

    # pg_extension_config_dump: pg_dump still dumps the state's rows.
    expect_equal "after the update, the state tables are still registered with pg_extension_config_dump" \
        "migsafe.approvals migsafe.audit_log migsafe.dropped migsafe.protected_tables migsafe.script_approvals migsafe.script_statements migsafe.windows" \
        "$(usql $update_db -c "SELECT string_agg(c::regclass::text, ' ' ORDER BY c::regclass::text)
                               FROM pg_extension, unnest(extconfig) AS c WHERE extname = 'migsafe'")"
    if pg_dump -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d $update_db >"$WORK/update-dump.sql" 2>&1 &&
        grep -q '^COPY migsafe.approvals ' "$WORK/update-dump.sql" && grep -q 'it_after_update' "$WORK/update-dump.sql" &&
        grep -q '^COPY migsafe.audit_log ' "$WORK/update-dump.sql" && grep -q '^COPY migsafe.protected_tables ' "$WORK/update-dump.sql"; then
        pass "after the update, pg_dump keeps approvals, protected tables and audit rows"
    else
        fail "after the update, pg_dump keeps approvals, protected tables and audit rows" "$(grep -E '^(COPY|pg_dump)' "$WORK/update-dump.sql")"
    fi
    expect_equal "after the update, the event triggers are enabled always" \
        "migsafe_ddl_command_start:A migsafe_sql_drop:A migsafe_table_rewrite:A" \
        "$(usql $update_db -c "SELECT string_agg(evtname || ':' || evtenabled::text, ' ' ORDER BY evtname)
                               FROM pg_event_trigger WHERE evtname LIKE 'migsafe%'")"
done
drop_db $update_db   # also after a failed set-up: the role's GRANTs go with it
PGOPTIONS="-c migsafe.mode=off" usql postgres -c 'DROP ROLE IF EXISTS migsafe_it_approver' >/dev/null

# --- drift: fresh install == old version + update ----------------------------

# objects_of DB: the extension's objects, without the version line (which is
# what differs between the old version before its update and the others).
objects_of() { usql "$1" -f "$objects_sql"; }

fresh_db migsafe_it_fresh
usql migsafe_it_fresh -c 'CREATE EXTENSION migsafe' >/dev/null
objects_of migsafe_it_fresh >"$WORK/objects-fresh.txt"
if grep -q "^extension migsafe | version $default_version," "$WORK/objects-fresh.txt" &&
    [ "$(grep -c ' | member of the extension$' "$WORK/objects-fresh.txt")" -ge 20 ]; then
    pass "the object listing of a fresh install at $default_version is complete"
else
    fail "the object listing of a fresh install at $default_version is complete" "$(head -20 "$WORK/objects-fresh.txt")"
fi

for old_version in "${released_versions[@]}"; do
    [ "$old_version" = "$default_version" ] && continue
    fresh_db migsafe_it_updated
    usql migsafe_it_updated -c "CREATE EXTENSION migsafe VERSION '$old_version'" -c 'ALTER EXTENSION migsafe UPDATE' >/dev/null
    objects_of migsafe_it_updated >"$WORK/objects-updated.txt"
    if drift=$(diff -u --label "CREATE EXTENSION migsafe (fresh $default_version)" \
        --label "CREATE EXTENSION migsafe VERSION '$old_version'; ALTER EXTENSION migsafe UPDATE" \
        "$WORK/objects-fresh.txt" "$WORK/objects-updated.txt"); then
        pass "no drift: $old_version + ALTER EXTENSION UPDATE has exactly the objects of a fresh $default_version"
    else
        fail "no drift: $old_version + ALTER EXTENSION UPDATE has exactly the objects of a fresh $default_version" \
            "the upgrade script migsafe--$old_version--*.sql does not give what migsafe--$default_version.sql creates:" \
            "$drift"
    fi
    drop_db migsafe_it_updated
done

# The drift test can fail: a database whose objects differ the ways a
# forgotten line in an upgrade script would leave them must show each
# difference in the diff.
fresh_db migsafe_it_drifted
PGOPTIONS="-c migsafe.mode=off" usql migsafe_it_drifted >/dev/null <<'SQL'
CREATE EXTENSION migsafe;
CREATE FUNCTION pg_catalog.migsafe_drift_probe() RETURNS integer LANGUAGE sql AS 'SELECT 1';
ALTER EXTENSION migsafe ADD FUNCTION pg_catalog.migsafe_drift_probe();
GRANT EXECUTE ON FUNCTION migsafe_open_window(interval, text, text[]) TO PUBLIC;
ALTER EVENT TRIGGER migsafe_sql_drop ENABLE;
ALTER EXTENSION migsafe DROP TABLE migsafe.windows;
ALTER TABLE migsafe.audit_log ALTER COLUMN window_ids SET DEFAULT '{0}';
CREATE OR REPLACE FUNCTION migsafe.check_text(value text, what text) RETURNS void
    LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$ BEGIN END; $$;
SQL
drift=$(diff "$WORK/objects-fresh.txt" <(objects_of migsafe_it_drifted))
missed=""
for expected in '> function migsafe_drift_probe() | member of the extension' \
    '> function migsafe_open_window(interval,text,text\[\]) | privileges PUBLIC=EXECUTE, postgres=EXECUTE' \
    '> event trigger migsafe_sql_drop | .* enabled origin' \
    "< extension migsafe | pg_extension_config_dump('migsafe.windows', '')" \
    '< table migsafe.windows | member of the extension' \
    "> table migsafe.audit_log | column 015 window_ids bigint\[\] NOT NULL DEFAULT '{0}'" \
    "<     IF value IS NULL OR btrim(value) = '' THEN"; do
    grep -q -- "^$expected" <<<"$drift" || missed+="$expected; "
done
expect_equal "the drift test sees a missing function, a GRANT, an event trigger's state, a config-dump table, a default, a function body" \
    "" "$missed"
drop_db migsafe_it_drifted
drop_db migsafe_it_fresh
