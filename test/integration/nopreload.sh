# A server without shared_preload_libraries: only CREATE EXTENSION migsafe.
# The event triggers guard DDL from a session's first statement (calling
# them loads the library, whose hooks then guard the rest of the session);
# TRUNCATE, DROP DATABASE and DML fire no event trigger and are guarded only
# once the session has loaded the library. Sourced by run.

bare=$WORK/nopreload bare_port=$((PORT + 21))
bare_psql() {  # psql args...: one fresh session
    psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -h "$bare" -p "$bare_port" -U postgres -d postgres "$@"
}

if MIGSAFE_CLUSTER_DIR=$bare cluster_start "$bare" "$bare_port" && bare_psql >/dev/null <<'SQL'
CREATE EXTENSION migsafe;
CREATE TABLE t (id int);
CREATE TABLE u (id int);
INSERT INTO t VALUES (1);
INSERT INTO u VALUES (1);
CREATE TYPE mood AS ENUM ('ok');
CREATE TABLE people (id int, feeling mood);
SQL
then
    expect_blocked "without preload, DDL is judged from a session's first statement (event trigger)" \
        bare_psql -c 'DROP TABLE t'
    expect_blocked "without preload, session_replication_role = replica does not silence it" \
        bare_psql -c 'SET session_replication_role = replica' -c 'ALTER TABLE t DROP COLUMN id'
    expect_blocked "without preload, a cascade is judged (sql_drop)" bare_psql -c 'DROP TYPE mood CASCADE'
    expect_blocked "without preload, a big table rewrite is judged (table_rewrite)" \
        bare_psql -c "SET migsafe.max_rewrite_size = 0" -c 'ALTER TABLE t ALTER COLUMN id TYPE bigint'
    expect_ok "without preload, TRUNCATE in a session that has not loaded migsafe runs (documented)" \
        bare_psql -c 'TRUNCATE u'
    bare_psql -c 'INSERT INTO u VALUES (1)' >/dev/null   # a row again: a DELETE that has something to lose
    expect_ok "without preload, DELETE in a session that has not loaded migsafe runs (documented)" \
        bare_psql -c 'DELETE FROM u'
    expect_blocked "once a session has loaded migsafe, its hooks judge TRUNCATE" \
        bare_psql -c 'SELECT count(*) FROM migsafe_status()' -c 'TRUNCATE t'
    expect_blocked "once a session has loaded migsafe, its hooks judge DELETE" \
        bare_psql -c 'CREATE TABLE IF NOT EXISTS t (id int)' -c 'DELETE FROM t'
    layer=$(bare_psql -At -c "SELECT name || ': ' || detail FROM migsafe_status() WHERE item = 'layer' AND name LIKE 'hooks%'")
    if grep -q 'loaded by this session only' <<<"$layer" && grep -q 'WARNING' <<<"$layer"; then
        pass "without preload, migsafe_status() reports the layer and warns"
    else
        fail "without preload, migsafe_status() reports the layer and warns" "$layer"
    fi
    # No double verdicts: the first statement is judged by the event trigger,
    # the second by the hook (now loaded), each once.
    out=$(bare_psql -c 'ALTER TABLE t RENAME TO t2' -c 'ALTER TABLE t2 RENAME TO t' 2>&1)
    expect_equal "no statement is judged twice (event trigger, then hook)" 2 \
        "$(grep -c 'migsafe review: rename-table' <<<"$out")"
    expect_equal "nothing changed in the guarded tables" "1|0" \
        "$(bare_psql -At -c 'SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM u)')"
else
    fail "a cluster without shared_preload_libraries starts, with the extension" "$(tail -5 "$bare/server.log" 2>/dev/null)"
fi
as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$bare/data" -m fast -w stop >/dev/null 2>&1
