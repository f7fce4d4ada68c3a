# The backup gate (migsafe.require_recovery = archiving) against a real WAL
# archive: a cluster of its own with archive_mode = on and an
# archive_command that copies into a directory, then one that fails, then
# the first again. A dangerous statement, approved or in a window, runs
# while the archive works and is refused, with the data left as it was,
# while it does not. The test cluster itself archives nothing: there the
# gate refuses whatever the approval. Sourced by run.

rc_dir=$WORK/recovery rc_port=$((PORT + 5)) rc_archive=$WORK/recovery-archive
rc_psql() { psql -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -h "$rc_dir" -p "$rc_port" -U postgres -d postgres "$@"; }
rc_setup() { PGOPTIONS="-c migsafe.mode=off" rc_psql "$@"; }
# As the migration: under the approval, with the gate on.
rc_migrate() { PGOPTIONS="-c migsafe.approved_migration=rc_migration" rc_psql "$@" 2>&1; }
rc_columns() { rc_setup -c "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'rc_t'::regclass AND attnum > 0 AND NOT attisdropped"; }
rc_rows() { rc_setup -c "SELECT count(*) || ':' || sum(id) || ':' || string_agg(note, ',' ORDER BY id) FROM rc_t"; }
# rc_wait_for QUERY: until it answers t (at most 30 s: the archiver retries a
# failed file every second, and wakes on each WAL switch).
rc_wait_for() {
    local i
    for i in $(seq 300); do
        [ "$(rc_setup -c "$1")" = t ] && return 0
        sleep 0.1
    done
    return 1
}
rc_archive_with() {  # archive_command
    rc_setup -c "ALTER SYSTEM SET archive_command = '$1'" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 0.5
}
# Writes a row and switches WAL files, so that the archiver has a file to
# archive; waits until that attempt is in pg_stat_archiver.
rc_switch_and_wait() {  # succeeded|failed
    local before
    before=$(rc_setup -c "SELECT archived_count + failed_count FROM pg_stat_archiver")
    rc_setup -c "INSERT INTO rc_wal VALUES (1)" -c "SELECT pg_switch_wal()" >/dev/null
    if [ "$1" = succeeded ]; then
        rc_wait_for "SELECT archived_count > 0 AND last_archived_time > coalesce(last_failed_time, '-infinity')
                     FROM pg_stat_archiver"
    else
        rc_wait_for "SELECT archived_count + failed_count > $before AND last_failed_time > coalesce(last_archived_time, '-infinity')
                     FROM pg_stat_archiver"
    fi
}

mkdir -p "$rc_archive" && { [ "$(id -u)" = 0 ] && chown postgres: "$rc_archive" || true; }
if ! cluster_start "$rc_dir" "$rc_port" "-c shared_preload_libraries=migsafe" "-c archive_mode=on" \
    "-c wal_level=replica" >"$WORK/recovery-start.out" 2>&1; then
    fail "a cluster with WAL archiving starts" "$(cat "$WORK/recovery-start.out")"
else
    rc_setup >/dev/null <<SQL
CREATE EXTENSION migsafe;
CREATE TABLE rc_wal (id int);
CREATE TABLE rc_t (id int, note text, legacy text, old text, spare text);
INSERT INTO rc_t SELECT g, 'row ' || g, 'l', 'o', 's' FROM generate_series(1, 5) g;
SELECT migsafe_approve('rc_migration', 'recovery test', '1 hour', ARRAY['rc_t']);
ALTER DATABASE postgres SET migsafe.require_recovery = 'archiving';
SQL
    rc_archive_with "cp %p $rc_archive/%f"

    # ---- archiving works ------------------------------------------------------------
    if rc_switch_and_wait succeeded && [ -n "$(ls "$rc_archive")" ]; then
        pass "archive_command copies WAL files into the archive directory"
    else
        fail "archive_command copies WAL files into the archive directory" "$(rc_setup -c 'SELECT * FROM pg_stat_archiver')"
    fi
    status=$(rc_psql -c "SELECT detail FROM migsafe_status() WHERE item = 'recovery'")
    if [[ "$status" == "possible: last WAL file archived "*" ago (0000"* ]]; then
        pass "migsafe_status() says point-in-time recovery is possible, and when the last file was archived"
    else
        fail "migsafe_status() says point-in-time recovery is possible, and when the last file was archived" "$status"
    fi
    expect_equal "with a working archive, an approved DROP COLUMN runs" "" "$(rc_migrate -c "ALTER TABLE rc_t DROP COLUMN spare")"
    expect_equal "... and the column is gone" "id,note,legacy,old" "$(rc_columns)"

    # ---- the archive fails ------------------------------------------------------------
    rc_archive_with "false"
    if rc_switch_and_wait failed; then
        pass "an archive_command that fails shows in pg_stat_archiver"
    else
        fail "an archive_command that fails shows in pg_stat_archiver" "$(rc_setup -c 'SELECT * FROM pg_stat_archiver')"
    fi
    rows_before=$(rc_rows)
    out=$(rc_migrate -c "ALTER TABLE rc_t DROP COLUMN legacy")
    if grep -q "MS001: migsafe blocked drop-column on rc_t.legacy: no point-in-time recovery" <<<"$out" &&
        grep -q "the last WAL archive attempt failed (0000[0-9A-F]*, [0-9.]* s ago; last success [0-9.]* s ago)" <<<"$out" &&
        grep -q "HINT:  Repair WAL archiving" <<<"$out"; then
        pass "with the last archive attempt failed, the approved DROP COLUMN is refused, saying why"
    else
        fail "with the last archive attempt failed, the approved DROP COLUMN is refused, saying why" "$out"
    fi
    expect_equal "... and the table keeps its columns and rows" "id,note,legacy,old|$rows_before" "$(rc_columns)|$(rc_rows)"
    window=$(rc_setup -c "SELECT migsafe_open_window('10 minutes', 'recovery test', ARRAY['rc_t'])")
    out=$(rc_psql -c "TRUNCATE rc_t" 2>&1)
    if grep -q "MS001: migsafe blocked truncate on rc_t: no point-in-time recovery" <<<"$out"; then
        pass "an open window does not let a TRUNCATE past the gate either"
    else
        fail "an open window does not let a TRUNCATE past the gate either" "$out"
    fi
    rc_setup -c "SELECT migsafe_close_window($window)" >/dev/null
    expect_equal "... and the rows are all there" "$rows_before" "$(rc_rows)"
    status=$(rc_psql -c "SELECT detail FROM migsafe_status() WHERE item = 'recovery'")
    if [[ "$status" == "not possible: the last WAL archive attempt failed"* ]]; then
        pass "migsafe_status() says point-in-time recovery is not possible, and why"
    else
        fail "migsafe_status() says point-in-time recovery is not possible, and why" "$status"
    fi
    out=$(PGOPTIONS="-c migsafe.mode=warn" rc_psql -c "ALTER TABLE rc_t DROP COLUMN old" 2>&1)
    if grep -q "WARNING:  MS001: migsafe would block drop-column on rc_t.old: no point-in-time recovery" <<<"$out" &&
        [ "$(rc_columns)" = "id,note,legacy" ]; then
        pass "in warn mode the statement runs, with a WARNING that recovery is not possible"
    else
        fail "in warn mode the statement runs, with a WARNING that recovery is not possible" "$out"
    fi
    rc_setup >/dev/null <<'SQL'
CREATE ROLE rc_app LOGIN;
GRANT ALL ON rc_t TO rc_app;
SQL
    out=$(psql -X -q -h "$rc_dir" -p "$rc_port" -U rc_app -d postgres -c "SET migsafe.require_recovery = off" 2>&1)
    if grep -q 'permission denied to set parameter "migsafe.require_recovery"' <<<"$out"; then
        pass "only a superuser can switch the gate off"
    else
        fail "only a superuser can switch the gate off" "$out"
    fi
    expect_equal "a superuser who took a backup otherwise runs it with SET migsafe.require_recovery = off" "" \
        "$(rc_migrate -c "SET migsafe.require_recovery = off" -c "ALTER TABLE rc_t DROP COLUMN legacy")"

    # ---- repaired, then too old ----------------------------------------------------------
    rc_archive_with "cp %p $rc_archive/%f"
    rc_switch_and_wait succeeded
    expect_equal "once the archive works again, the approved statement runs" "" \
        "$(rc_migrate -c "ALTER TABLE rc_t DROP COLUMN note")"
    rc_setup -c "ALTER DATABASE postgres SET migsafe.max_archive_age = '1s'" >/dev/null
    sleep 2
    out=$(rc_migrate -c "DROP TABLE rc_t")
    if grep -q "no WAL file archived for [0-9.]* s, longer than migsafe.max_archive_age (1.0 s)" <<<"$out" &&
        [ "$(rc_setup -c "SELECT count(*) FROM rc_t")" = 5 ]; then
        pass "with no archive within migsafe.max_archive_age, DROP TABLE is refused and the table stays"
    else
        fail "with no archive within migsafe.max_archive_age, DROP TABLE is refused and the table stays" "$out"
    fi
    out=$(rc_psql -c "CREATE TABLE rc_new (id int)" -c "ALTER TABLE rc_t ADD COLUMN added text" -c "SELECT 1" 2>&1)
    expect_equal "statements no rule concerns are not stopped by the gate" "1" "$out"
fi
cluster_stop "$rc_dir"

# ---- the test cluster archives nothing: the gate refuses ---------------------------
setup_sql >/dev/null <<'SQL'
CREATE TABLE rc_main (id int, note text);
INSERT INTO rc_main VALUES (1, 'kept');
SELECT migsafe_approve('rc_main_migration', 'recovery test', '1 hour', ARRAY['rc_main']);
SQL
out=$(PGOPTIONS="-c migsafe.approved_migration=rc_main_migration -c migsafe.require_recovery=archiving" \
    sql -v VERBOSITY=verbose -c "ALTER TABLE rc_main DROP COLUMN note" 2>&1)
if grep -q "WAL archiving is off (archive_mode = off)" <<<"$out" &&
    [ "$(setup_sql -c "SELECT note FROM rc_main")" = kept ]; then
    pass "without archive_mode, the gate refuses the approved DROP COLUMN and the column stays"
else
    fail "without archive_mode, the gate refuses the approved DROP COLUMN and the column stays" "$out"
fi
