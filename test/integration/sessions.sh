# Several sessions and the ways a client names its approval. Sourced by run.

setup_sql >/dev/null <<'SQL'
SET client_min_messages = warning;
DROP ROLE IF EXISTS migsafe_it_app;
CREATE ROLE migsafe_it_app LOGIN;
CREATE TABLE t1 (id int);
CREATE TABLE t2 (id int);
GRANT ALL ON t1, t2 TO migsafe_it_app;
-- A row in each: TRUNCATE and DELETE of a table without a row lose nothing.
INSERT INTO t1 VALUES (1);
INSERT INTO t2 VALUES (1);
SELECT migsafe_approve('it_pgoptions', 'integration', '1 hour', ARRAY['t1']);
SELECT migsafe_approve('it_url', 'integration', '1 hour', ARRAY['t1']);
SQL

expect_blocked "a session without an approval is refused" sql -c 'TRUNCATE t1'
expect_ok "PGOPTIONS names the approval" \
    env PGOPTIONS='-c migsafe.approved_migration=it_pgoptions' psql -X -q -v ON_ERROR_STOP=1 \
    -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$DB" -c 'TRUNCATE t1'
setup_sql -c 'INSERT INTO t1 VALUES (1)'   # the TRUNCATE emptied it
expect_ok "options= in a connection URL names the approval" \
    psql -X -q -v ON_ERROR_STOP=1 \
    "postgresql://postgres@/$DB?host=$MIGSAFE_CLUSTER_DIR&port=$PORT&options=-c%20migsafe.approved_migration%3Dit_url" \
    -c 'TRUNCATE t1'
setup_sql -c 'INSERT INTO t1 VALUES (1)'
expect_equal "the approved TRUNCATEs are audited under their approvals" "it_pgoptions:1 it_url:1" \
    "$(setup_sql -c "SELECT string_agg(approval || ':' || n, ' ' ORDER BY approval)
                     FROM (SELECT approval, count(*) AS n FROM migsafe.audit_log
                           WHERE approval IN ('it_pgoptions', 'it_url') GROUP BY approval) a")"
expect_blocked "an approval scoped to t1 does not cover t2" \
    env PGOPTIONS='-c migsafe.approved_migration=it_pgoptions' psql -X -q -v ON_ERROR_STOP=1 \
    -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$DB" -c 'TRUNCATE t2'

# An application role cannot switch the guard off when it connects.
out=$(PGOPTIONS='-c migsafe.mode=off' psql -X -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U migsafe_it_app -d "$DB" \
    -c 'SHOW migsafe.mode' 2>&1)
if grep -q 'permission denied to set parameter "migsafe.mode"' <<<"$out"; then
    pass "PGOPTIONS cannot switch the guard off for an application role"
else
    fail "PGOPTIONS cannot switch the guard off for an application role" "$out"
fi
expect_blocked "the application role is guarded" \
    psql -X -q -v ON_ERROR_STOP=1 -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U migsafe_it_app -d "$DB" -c 'TRUNCATE t1'

# A window opened by a DBA reaches a session that was already running, and
# its closing does too. The row the first TRUNCATE removes is put back, so
# that the second one has something to lose.
sql -c "SELECT pg_sleep(1.5)" -c "TRUNCATE t2" -c "INSERT INTO t2 VALUES (1)" -c "SELECT pg_sleep(2)" -c "TRUNCATE t2" \
    -v VERBOSITY=verbose >"$WORK/running.out" 2>&1 &
running=$!
sleep 0.5
window=$(setup_sql -c "SELECT migsafe_open_window('1 minute', 'integration: running session')")
sleep 2
setup_sql -c "SELECT migsafe_close_window($window)" >/dev/null
wait $running
if grep -q 'MS001' "$WORK/running.out" && [ "$(setup_sql -c "SELECT count(*) FROM migsafe.audit_log WHERE $window = ANY (window_ids)")" = 1 ]; then
    pass "a running session sees a window open, then close"
else
    fail "a running session sees a window open, then close" "$(cat "$WORK/running.out")"
fi

# A revocation reaches a session that is using the approval.
setup_sql -c "SELECT migsafe_approve('it_revoked', 'integration', '1 hour', ARRAY['t2'])" >/dev/null
PGOPTIONS='-c migsafe.approved_migration=it_revoked' sql -v VERBOSITY=verbose \
    -c "TRUNCATE t2" -c "INSERT INTO t2 VALUES (1)" -c "SELECT pg_sleep(2)" -c "TRUNCATE t2" >"$WORK/revoked.out" 2>&1 &
running=$!
sleep 1
setup_sql -c "SELECT migsafe_revoke('it_revoked')" >/dev/null
wait $running
if grep -q 'MS001.*truncate on t2' "$WORK/revoked.out" && grep -q 'approval "it_revoked" was revoked' "$WORK/revoked.out" &&
    [ "$(setup_sql -c "SELECT count(*) FROM migsafe.audit_log WHERE approval = 'it_revoked'")" = 1 ]; then
    pass "a revocation stops the session that uses the approval"
else
    fail "a revocation stops the session that uses the approval" "$(cat "$WORK/revoked.out")"
fi

# Blocked attempts are in the server log with the session's fields.
PGAPPNAME=it-logcheck sql -c 'DELETE FROM t1' >/dev/null 2>&1
log=$(grep -A1 'LOG:  migsafe blocked delete-without-where on public.t1' "$MIGSAFE_CLUSTER_DIR/server.log" | tail -2)
if grep -q 'application=it-logcheck' <<<"$log" && grep -q 'statement=DELETE FROM t1' <<<"$log"; then
    pass "a blocked attempt is written to the server log"
else
    fail "a blocked attempt is written to the server log" "$log"
fi

# Where no audit row can be written (here: a database without the
# extension, in warn mode), the audit goes to the server log. (The dropped
# tables hold a row: dropping an empty one is only a review finding.)
PGOPTIONS="-c migsafe.mode=off" psql -X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d postgres \
    -c "DROP DATABASE IF EXISTS migsafe_integration_bare" -c "CREATE DATABASE migsafe_integration_bare" >/dev/null 2>&1
# (the tables are made by a session of their own: they exist before the
# session that drops them)
PGOPTIONS="-c migsafe.mode=off" psql -X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres \
    -d migsafe_integration_bare -c "CREATE TABLE gone (id int)" -c "CREATE TABLE gone2 (id int)" \
    -c "INSERT INTO gone VALUES (1)" -c "INSERT INTO gone2 VALUES (1)" >/dev/null 2>&1
PGOPTIONS="-c migsafe.mode=warn" psql -X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres \
    -d migsafe_integration_bare -c "DROP TABLE gone" >/dev/null 2>&1
# (grep without -q reads the whole log: an early exit would be a SIGPIPE,
# a failure under pipefail, once the log holds many such lines)
if grep -A1 'migsafe audit: drop-table ran (warned)' "$MIGSAFE_CLUSTER_DIR/server.log" |
    grep 'database=migsafe_integration_bare .*no audit row: no state tables' >/dev/null; then
    pass "the audit falls back to the server log where no row can be written"
else
    fail "the audit falls back to the server log where no row can be written"
fi
expect_blocked "a database without the extension refuses in enforce mode" \
    psql -X -q -v ON_ERROR_STOP=1 -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d migsafe_integration_bare \
    -c "DROP TABLE gone2"
PGOPTIONS="-c migsafe.mode=off" psql -X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d postgres \
    -c "DROP DATABASE migsafe_integration_bare" >/dev/null

# Uninstalling migsafe on purpose: under a window that names migsafe. The
# audit table goes with the extension, so the audit is logged as well.
PGOPTIONS="-c migsafe.mode=off" psql -X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d postgres \
    -c "DROP DATABASE IF EXISTS migsafe_integration_uninstall" -c "CREATE DATABASE migsafe_integration_uninstall" >/dev/null 2>&1
uninstall_psql() {
    psql -X -q -v ON_ERROR_STOP=1 -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d migsafe_integration_uninstall "$@"
}
uninstall_psql -c 'CREATE EXTENSION migsafe' >/dev/null
expect_blocked "DROP EXTENSION migsafe under a window without objects is refused" \
    uninstall_psql -c "SELECT migsafe_open_window('5 minutes', 'tidy up')" -c 'DROP EXTENSION migsafe'
expect_ok "DROP EXTENSION migsafe under a window that names migsafe runs" \
    uninstall_psql -c "SELECT migsafe_close_window()" \
    -c "SELECT migsafe_open_window('5 minutes', 'uninstall (CHG-9)', ARRAY['migsafe'])" -c 'DROP EXTENSION migsafe'
if grep -A1 'migsafe audit: drop-extension,self-protection ran (window)' "$MIGSAFE_CLUSTER_DIR/server.log" |
    grep -q 'statement=DROP EXTENSION migsafe'; then
    pass "uninstalling migsafe is logged (its audit table goes with it)"
else
    fail "uninstalling migsafe is logged (its audit table goes with it)"
fi
PGOPTIONS="-c migsafe.mode=off" psql -X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d postgres \
    -c "DROP DATABASE migsafe_integration_uninstall" >/dev/null

# migsafe.ddl_lock_timeout: a migration waiting behind a long transaction
# fails fast instead of queueing every query on the table behind it.
setup_sql -c "CREATE TABLE busy (id int)" -c "INSERT INTO busy VALUES (1)"
sql -c "BEGIN" -c "SELECT count(*) FROM busy" -c "SELECT pg_sleep(4)" -c "COMMIT" >/dev/null 2>&1 &
reader=$!
sleep 1
out=$(PGOPTIONS="-c migsafe.ddl_lock_timeout=500ms" sql -v VERBOSITY=verbose -c "ALTER TABLE busy ADD COLUMN note text" 2>&1)
# Without the timeout the ALTER would wait for the reader and then succeed.
if grep -q "55P03" <<<"$out"; then
    pass "migsafe.ddl_lock_timeout stops DDL waiting behind a long transaction (55P03)"
else
    fail "migsafe.ddl_lock_timeout stops DDL waiting behind a long transaction (55P03)" "$out"
fi
expect_equal "the session's lock_timeout is unchanged afterwards" "0" \
    "$(PGOPTIONS="-c migsafe.ddl_lock_timeout=500ms" sql -c "SHOW lock_timeout")"
wait $reader
expect_ok "without a waiting transaction the same DDL runs" \
    env PGOPTIONS="-c migsafe.ddl_lock_timeout=500ms" psql -X -q -v ON_ERROR_STOP=1 -h "$MIGSAFE_CLUSTER_DIR" \
    -p "$PORT" -U postgres -d "$DB" -c "ALTER TABLE busy ADD COLUMN note text"
