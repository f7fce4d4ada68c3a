# A streaming hot standby of the test cluster (the primary, migsafe
# preloaded), itself with migsafe preloaded; and read-only transactions on
# the primary. A standby refuses every write with PostgreSQL's own error
# (SQLSTATE 25006): the guard must add no error of its own there nor try to
# write an audit row, and reads, migsafe_check() and migsafe_status() must
# work; ALTER SYSTEM, which a standby accepts and which outlives a
# promotion, is judged there too. In a read-only transaction on the primary
# the guard never writes either: the audit goes to the server log. Sourced
# by run.

standby=$WORK/standby standby_port=$((PORT + 3))
standby_psql() {  # psql args...: one session on the standby
    psql -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -h "$standby" -p "$standby_port" -U postgres -d "$DB" "$@"
}
# expect_read_only NAME COMMAND...: fails with PostgreSQL's read-only error,
# and nothing of migsafe's in the output.
expect_read_only() {
    local name=$1; shift
    local out
    if out=$("$@" 2>&1); then
        fail "$name" "expected PostgreSQL's read-only error, the command succeeded: $out"
    elif grep -q '25006' <<<"$out" && ! grep -q 'MS001\|migsafe \(blocked\|would block\|review\)' <<<"$out"; then
        pass "$name"
    else
        fail "$name" "expected SQLSTATE 25006 and no word from migsafe, got: $out"
    fi
}

setup_sql >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE TABLE sb_t (id int, note text);
INSERT INTO sb_t SELECT g, 'row ' || g FROM generate_series(1, 10) g;
CREATE TABLE sb_protected (id int);
SELECT migsafe_protect('sb_protected', 'standby test');
SELECT migsafe_approve('sb_approved', 'standby test', '1 hour', ARRAY['sb_t']);
SELECT migsafe_open_window('1 hour', 'standby test', ARRAY['sb_protected']);
SQL

standby_start() {
    mkdir -p "$standby" && { [ "$(id -u)" = 0 ] && chown postgres: "$standby" || true; }
    as_cluster_owner "$PG_BINDIR/pg_basebackup" -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres \
        -D "$standby/data" -R -X stream -c fast >"$standby/basebackup.log" 2>&1 || return 1
    as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$standby/data" -l "$standby/server.log" \
        -o "-p $standby_port -k $standby -c listen_addresses='' -c hot_standby=on -c shared_preload_libraries=migsafe" \
        -w start >/dev/null || return 1
    # Wait until the standby has replayed what the primary wrote so far (the
    # set-up above): bounded by the loop, not by a clock.
    local target i
    target=$(setup_sql -c "SELECT pg_current_wal_lsn()")
    for i in $(seq 1 120); do
        [ "$(standby_psql -c "SELECT pg_last_wal_replay_lsn() >= '$target'::pg_lsn" 2>/dev/null)" = t ] && return 0
        sleep 0.5
    done
    return 1
}

if standby_start; then
    pass "a streaming standby of the primary starts with migsafe preloaded"
    expect_equal "the standby is in recovery" t "$(standby_psql -c 'SELECT pg_is_in_recovery()')"

    expect_read_only "standby: DROP TABLE gets PostgreSQL's read-only error" standby_psql -c 'DROP TABLE sb_t'
    expect_read_only "standby: TRUNCATE gets PostgreSQL's read-only error" standby_psql -c 'TRUNCATE sb_t'
    expect_read_only "standby: DELETE without WHERE gets PostgreSQL's read-only error" standby_psql -c 'DELETE FROM sb_t'
    expect_read_only "standby: UPDATE without WHERE gets PostgreSQL's read-only error" \
        standby_psql -c "UPDATE sb_t SET note = ''"
    expect_read_only "standby: DROP COLUMN gets PostgreSQL's read-only error" \
        standby_psql -c 'ALTER TABLE sb_t DROP COLUMN note'
    expect_read_only "standby: CREATE INDEX (not concurrently) gets PostgreSQL's read-only error" \
        standby_psql -c 'CREATE INDEX ON sb_t (id)'
    expect_read_only "standby: a change to a protected table gets PostgreSQL's read-only error" \
        standby_psql -c 'ALTER TABLE sb_protected ADD COLUMN x int'
    expect_read_only "standby: DROP EXTENSION migsafe gets PostgreSQL's read-only error" \
        standby_psql -c 'DROP EXTENSION migsafe'
    expect_read_only "standby: a direct write to migsafe's state gets PostgreSQL's read-only error" \
        standby_psql -c 'DELETE FROM migsafe.audit_log'
    expect_read_only "standby: DROP DATABASE gets PostgreSQL's read-only error" \
        psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -h "$standby" -p "$standby_port" -U postgres -d postgres \
        -c "DROP DATABASE $DB"
    expect_read_only "standby: a DELETE under a valid approval gets the same error (no audit attempted)" \
        with_options '-c migsafe.approved_migration=sb_approved' standby_psql -c 'DELETE FROM sb_t'
    expect_read_only "standby: in warn mode, no WARNING from migsafe, the same error" \
        with_options '-c migsafe.mode=warn' standby_psql -c 'TRUNCATE sb_t'
    expect_read_only "standby: approvals cannot be given there" \
        standby_psql -c "SELECT migsafe_approve('sb_on_standby', 'standby test')"

    expect_equal "standby: SELECTs run" "10|55" "$(standby_psql -c 'SELECT count(*), sum(id) FROM sb_t')"
    expect_equal "standby: migsafe_check() works" "drop-table|dangerous|sb_t" \
        "$(standby_psql -c "SELECT rule, severity, object FROM migsafe_check('DROP TABLE sb_t')")"
    # The protected table comes from the replicated state tables.
    expect_equal "standby: migsafe_check() reads the replicated protected tables" "protected-table" \
        "$(standby_psql -c "SELECT rule FROM migsafe_check('ALTER TABLE sb_protected ADD COLUMN x int') WHERE rule = 'protected-table'")"
    expect_equal "standby: migsafe_verdict() works" dangerous "$(standby_psql -c "SELECT migsafe_verdict('TRUNCATE sb_t')")"
    status=$(standby_psql -c "SELECT item || ':' || name FROM migsafe_status() WHERE item IN ('approval', 'layer') OR (item = 'window' AND detail LIKE '%standby test%') ORDER BY 1" 2>&1)
    if grep -q '^approval:sb_approved$' <<<"$status" && grep -q '^layer:hooks (shared_preload_libraries)$' <<<"$status" &&
        grep -q '^window:' <<<"$status"; then
        pass "standby: migsafe_status() shows the layer and the replicated approval and window"
    else
        fail "standby: migsafe_status() shows the layer and the replicated approval and window" "$status"
    fi
    expect_equal "standby: the guard wrote nothing to the server log (no refusal, no audit)" 0 \
        "$(grep -c 'migsafe \(blocked\|audit:\|would block\|review\)' "$standby/server.log")"
    # ALTER SYSTEM is the one change a standby accepts, and it outlives a
    # promotion: judged there too (after the check above: a refusal is logged).
    expect_blocked "standby: ALTER SYSTEM SET migsafe.mode = off is refused (self-protection)" \
        standby_psql -c "ALTER SYSTEM SET migsafe.mode = 'off'"
    expect_blocked "standby: ALTER SYSTEM removing migsafe from shared_preload_libraries is refused" \
        standby_psql -c "ALTER SYSTEM SET shared_preload_libraries = ''"
    expect_ok "standby: another ALTER SYSTEM runs" standby_psql -c "ALTER SYSTEM SET work_mem = '8MB'"
    expect_equal "standby: postgresql.auto.conf keeps migsafe on" "work_mem = '8MB'" \
        "$(grep '^migsafe\.\|^shared_preload_libraries\|^work_mem' "$standby/data/postgresql.auto.conf")"
    expect_equal "standby: the table is intact" "10|2" \
        "$(standby_psql -c "SELECT (SELECT count(*) FROM sb_t), (SELECT count(*) FROM pg_attribute WHERE attrelid = 'sb_t'::regclass AND attnum > 0)")"
else
    fail "a streaming standby of the primary starts with migsafe preloaded" \
        "$(tail -5 "$standby/basebackup.log" "$standby/server.log" 2>/dev/null)"
fi
as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$standby/data" -m fast -w stop >/dev/null 2>&1

# Read-only transactions on the primary. In warn mode the guard warns but
# never writes: the audit goes to the server log, and the statement's outcome
# is PostgreSQL's (an error for a real table, success for a temporary table,
# which a read-only transaction may write and which, being the session's
# own, the guard judges as new).
audit_rows() { setup_sql -c "SELECT count(*) FROM migsafe.audit_log"; }
before=$(audit_rows)
out=$(PGOPTIONS='-c migsafe.mode=warn -c default_transaction_read_only=on' sql -v VERBOSITY=verbose \
    -c 'DELETE FROM sb_t' 2>&1)
if grep -q '25006' <<<"$out" && grep -q 'migsafe would block delete-without-where' <<<"$out"; then
    pass "read-only (warn mode): DELETE without WHERE warns, then gets PostgreSQL's read-only error"
else
    fail "read-only (warn mode): DELETE without WHERE warns, then gets PostgreSQL's read-only error" "$out"
fi
out=$(PGOPTIONS='-c migsafe.mode=warn' sql -v VERBOSITY=verbose 2>&1 <<'SQL'
CREATE TEMP TABLE sb_temp AS SELECT g AS id FROM generate_series(1, 5) g;
BEGIN READ ONLY;
DELETE FROM sb_temp;
SELECT 'rows left: ' || count(*) FROM sb_temp;
COMMIT;
SQL
)
if grep -q 'rows left: 0' <<<"$out" && ! grep -q 'migsafe' <<<"$out" && ! grep -q 'ERROR' <<<"$out"; then
    pass "read-only (warn mode): a DELETE of the session's own temporary table runs, without a finding"
else
    fail "read-only (warn mode): a DELETE of the session's own temporary table runs, without a finding" "$out"
fi
expect_equal "read-only (warn mode): no audit row written" "$before" "$(audit_rows)"
if grep -A1 'migsafe audit: delete-without-where ran (warned)' "$MIGSAFE_CLUSTER_DIR/server.log" |
    grep -q 'reason=no audit row: read-only transaction or hot standby statement=DELETE FROM sb_t$'; then
    pass "read-only (warn mode): the audit falls back to the server log"
else
    fail "read-only (warn mode): the audit falls back to the server log" \
        "$(grep -A1 'migsafe audit:' "$MIGSAFE_CLUSTER_DIR/server.log" | tail -4)"
fi
if grep -qi 'audit.*\(could not\|failed\|permission\)\|cannot execute INSERT' "$MIGSAFE_CLUSTER_DIR/server.log"; then
    fail "read-only (warn mode): no failed audit write in the server log" \
        "$(grep -i 'cannot execute INSERT' "$MIGSAFE_CLUSTER_DIR/server.log" | tail -3)"
else
    pass "read-only (warn mode): no failed audit write in the server log"
fi

# Enforce mode in a read-only transaction: the guard judges first (the
# post_parse_analyze hook runs before the executor's read-only check, the
# ProcessUtility hook before standard_ProcessUtility's), so the refusal is
# migsafe's MS001; with an approval, PostgreSQL's read-only error.
expect_blocked "read-only (enforce): DELETE without WHERE is refused by migsafe first" \
    sql -c 'BEGIN READ ONLY' -c 'DELETE FROM sb_t'
expect_blocked "read-only (enforce): TRUNCATE is refused by migsafe first" \
    with_options '-c default_transaction_read_only=on' sql -c 'TRUNCATE sb_t'
expect_ok "read-only (enforce): a DELETE of the session's own temporary table runs" \
    sql -c 'CREATE TEMP TABLE sb_temp2 (id int)' -c 'BEGIN READ ONLY' -c 'DELETE FROM sb_temp2'
expect_read_only "read-only (enforce): under a valid approval, PostgreSQL's read-only error" \
    with_options '-c migsafe.approved_migration=sb_approved -c default_transaction_read_only=on' \
    sql -v VERBOSITY=verbose -c 'DELETE FROM sb_t'
expect_equal "read-only: sb_t is intact and no audit row was written" "10|$before" \
    "$(setup_sql -c 'SELECT (SELECT count(*) FROM sb_t), (SELECT count(*) FROM migsafe.audit_log)')"

setup_sql >/dev/null <<'SQL'
SELECT migsafe_close_window(id) FROM migsafe.windows WHERE reason = 'standby test' AND closed_at IS NULL;
SELECT migsafe_revoke('sb_approved');
SELECT migsafe_unprotect('sb_protected');
SQL
