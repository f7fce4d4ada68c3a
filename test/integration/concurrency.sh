# Many sessions at once (pgbench, 8 clients, MIGSAFE_CONCURRENCY_SECONDS,
# default 15): DBAs approving and revoking a migration and opening and
# closing windows, while the other clients run guarded statements with and
# without an approval. Every guarded statement runs in its own transaction
# through conc_try(), which records its outcome in the same transaction and
# tags the statement with a unique operation number, so that afterwards:
# every statement that ran has exactly one audit row and every refused one
# none and one "migsafe blocked" log line; statements that nothing can
# allow are always refused, those under a permanent approval always run; no
# deadlock and no client error. A statement that empties or drops a table
# puts rows back in the same transaction, so that every guarded statement
# meets a table with rows (an empty table's TRUNCATE or DELETE loses nothing
# and is not guarded). The clients' sessions do not remember what they
# created (migsafe.session_script_window = 0): a table one made in an
# earlier transaction is an existing table, guarded. Sourced by run.

conc_db=migsafe_concurrency
conc_seconds=${MIGSAFE_CONCURRENCY_SECONDS:-15}
conc_clients=8
conc_psql() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$conc_db" "$@"; }
conc_setup() { PGOPTIONS="-c migsafe.mode=off" conc_psql "$@"; }

PGOPTIONS="-c migsafe.mode=off" psql -X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d postgres \
    -c "DROP DATABASE IF EXISTS $conc_db" -c "CREATE DATABASE $conc_db" >/dev/null 2>&1
conc_prepare() {
    conc_setup >/dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION migsafe;
CREATE SEQUENCE conc_op;
CREATE TABLE conc_outcome (op bigint PRIMARY KEY, kind text NOT NULL, ran boolean NOT NULL);
-- Per client: t (guarded by a toggled approval), w (by windows), n (by
-- nothing), a (by a permanent approval), each with a few rows.
DO \$\$
DECLARE
    t text;
BEGIN
    FOR c IN 1..$conc_clients LOOP
        FOREACH t IN ARRAY ARRAY['t', 'w', 'n', 'a'] LOOP
            EXECUTE format('CREATE TABLE conc_%s_%s (id int)', t, c);
            EXECUTE format('INSERT INTO conc_%s_%s SELECT generate_series(1, 3)', t, c);
        END LOOP;
    END LOOP;
END
\$\$;
-- Runs one guarded statement under an approval (or none), tagged with its
-- operation number; records whether it ran, in the same transaction.
-- Refusals (MS001) are caught so that the client goes on; any other error
-- reaches pgbench and fails the test.
CREATE FUNCTION conc_try(kind text, approval text, stmt text, after text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS \$\$
DECLARE
    op bigint := nextval('conc_op');
BEGIN
    PERFORM set_config('migsafe.approved_migration', approval, true);
    BEGIN
        EXECUTE stmt || ' /* op ' || op || ' */';
        IF after IS NOT NULL THEN EXECUTE after; END IF;
        INSERT INTO conc_outcome VALUES (op, kind, true);
    EXCEPTION WHEN SQLSTATE 'MS001' THEN
        INSERT INTO conc_outcome VALUES (op, kind, false);
    END;
END
\$\$;
CREATE FUNCTION conc_revoke(migration text) RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
    PERFORM migsafe_revoke(migration);
EXCEPTION WHEN undefined_object THEN NULL;  -- already revoked by another client
END
\$\$;
SELECT migsafe_approve('conc_always', 'concurrency test', '1 hour', NULL);
SQL
}

conc_run() {

mkdir -p "$WORK/concurrency"
cd "$WORK/concurrency" || return
cat >approve.sql <<'SQL'
SELECT migsafe_approve('conc_toggle', 'concurrency test', '1 hour', NULL);
SQL
cat >revoke.sql <<'SQL'
SELECT conc_revoke('conc_toggle');
SQL
cat >open.sql <<'SQL'
\set c random(1, 8)
SELECT migsafe_open_window('1 hour', 'concurrency test', ARRAY['conc_w_' || :c]);
SQL
cat >close.sql <<'SQL'
SELECT migsafe_close_window();
SQL
cat >delete_toggle.sql <<'SQL'
SELECT conc_try('toggle', 'conc_toggle', 'DELETE FROM conc_t_' || :client_id % 8 + 1,
                'INSERT INTO conc_t_' || :client_id % 8 + 1 || ' SELECT generate_series(1, 3)');
SQL
cat >truncate_window.sql <<'SQL'
SELECT conc_try('window', '', 'TRUNCATE conc_w_' || :client_id % 8 + 1,
                'INSERT INTO conc_w_' || :client_id % 8 + 1 || ' SELECT generate_series(1, 3)');
SQL
cat >never.sql <<'SQL'
SELECT conc_try('never', 'conc_never', 'DELETE FROM conc_n_' || :client_id % 8 + 1);
SQL
cat >never_window.sql <<'SQL'
SELECT conc_try('never', '', 'DROP TABLE IF EXISTS conc_n_' || :client_id % 8 + 1);
SQL
cat >recreate_always.sql <<'SQL'
SELECT conc_try('always', 'conc_always', 'DROP TABLE IF EXISTS conc_a_' || :client_id % 8 + 1,
                'CREATE TABLE conc_a_' || :client_id % 8 + 1 || ' AS SELECT generate_series(1, 3) AS id');
SQL
cat >safe.sql <<'SQL'
INSERT INTO conc_t_1 VALUES (0);
DELETE FROM conc_t_2 WHERE id = 0;
SQL
as_dir=$(pwd)
cd - >/dev/null || return

# The DETAIL lines of this database's refusals in the server log.
conc_blocked_lines() { grep -A1 'LOG:  migsafe blocked' "$MIGSAFE_CLUSTER_DIR/server.log" | grep -c "database=$conc_db "; }
conc_blocked_before=$(conc_blocked_lines)
conc_deadlocks_before=$(grep -c 'deadlock detected' "$MIGSAFE_CLUSTER_DIR/server.log")
PGOPTIONS='-c client_min_messages=error -c migsafe.session_script_window=0' "$PG_BINDIR/pgbench" -n -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres \
    -c "$conc_clients" -j 2 -T "$conc_seconds" --max-tries=1 --failures-detailed \
    -f "$as_dir/approve.sql@2" -f "$as_dir/revoke.sql@2" -f "$as_dir/open.sql@2" -f "$as_dir/close.sql@2" \
    -f "$as_dir/delete_toggle.sql@6" -f "$as_dir/truncate_window.sql@6" -f "$as_dir/never.sql@3" \
    -f "$as_dir/never_window.sql@3" -f "$as_dir/recreate_always.sql@4" -f "$as_dir/safe.sql@4" \
    "$conc_db" >"$WORK/pgbench.out" 2>&1
conc_status=$?
conc_processed=$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$WORK/pgbench.out")
conc_failed=$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' "$WORK/pgbench.out")
if [ "$conc_status" -eq 0 ] && [ "${conc_processed:-0}" -gt 0 ] && [ "$conc_failed" = 0 ]; then
    pass "pgbench: $conc_clients clients, $conc_processed transactions, no failed transaction, no client aborted"
else
    fail "pgbench: $conc_clients clients, no failed transaction, no client aborted" "exit $conc_status" \
        "$(grep -v '^progress' "$WORK/pgbench.out" | tail -25)"
fi
expect_equal "pgbench: no deadlock failure" "0" \
    "$(sed -nE 's/^number of deadlock failures: ([0-9]+).*/\1/p' "$WORK/pgbench.out")"
expect_equal "no deadlock in the server log" "$conc_deadlocks_before" \
    "$(grep -c 'deadlock detected' "$MIGSAFE_CLUSTER_DIR/server.log")"

# kind|attempts|ran|refused
conc_outcomes=$(conc_setup -c "SELECT kind || '|' || count(*) || '|' || count(*) FILTER (WHERE ran) || '|' || count(*) FILTER (WHERE NOT ran) FROM conc_outcome GROUP BY kind ORDER BY kind")
echo "$conc_outcomes" | sed 's/^/       outcomes (kind|attempts|ran|refused): /'
conc_count() { conc_setup -c "$1"; }
expect_equal "every guarded statement that ran has exactly one audit row, a refused one none" "0" \
    "$(conc_count "WITH audited AS (
        SELECT substring(statement FROM '/\* op ([0-9]+) \*/')::bigint AS op, count(*) AS rows
        FROM migsafe.audit_log GROUP BY 1)
      SELECT count(*) FROM conc_outcome o FULL JOIN audited a USING (op)
      WHERE a.op IS NULL AND o.ran OR o.op IS NULL OR NOT o.ran AND a.op IS NOT NULL OR a.rows <> 1")"
conc_ran=$(conc_count "SELECT count(*) FROM conc_outcome WHERE ran")
conc_refused=$(conc_count "SELECT count(*) FROM conc_outcome WHERE NOT ran")
expect_equal "audit rows = guarded statements that ran ($conc_ran)" "$conc_ran" \
    "$(conc_count "SELECT count(*) FROM migsafe.audit_log WHERE statement LIKE '%/* op %'")"
expect_equal "one 'migsafe blocked' log line per refusal ($conc_refused)" "$conc_refused" \
    "$(($(conc_blocked_lines) - conc_blocked_before))"
expect_equal "statements nothing allows were always refused" "0" \
    "$(conc_count "SELECT count(*) FROM conc_outcome WHERE kind = 'never' AND ran")"
expect_equal "statements under a permanent approval always ran" "0" \
    "$(conc_count "SELECT count(*) FROM conc_outcome WHERE kind = 'always' AND NOT ran")"
if [ "$(conc_count "SELECT count(*) FILTER (WHERE ran) > 0 AND count(*) FILTER (WHERE NOT ran) > 0 FROM conc_outcome WHERE kind IN ('toggle', 'window')")" = t ]; then
    pass "the toggled approval and the windows both let statements through and refused others"
else
    fail "the toggled approval and the windows both let statements through and refused others" "$conc_outcomes"
fi
# What allowed a statement existed before it ran (approved_at and opened_at
# are clock_timestamp() before their commit; executed_at after the guard saw
# them). A revocation's time cannot be compared: it is taken before its commit.
expect_equal "each audited approval or window was registered before the statement ran" "0" \
    "$(conc_count "SELECT count(*) FROM migsafe.audit_log l
      WHERE l.statement LIKE '%/* op %' AND NOT CASE l.outcome
        WHEN 'approved' THEN EXISTS (SELECT FROM migsafe.approvals a
                                     WHERE a.migration = l.approval AND a.approved_at <= l.executed_at)
        WHEN 'window' THEN cardinality(l.window_ids) > 0 AND cardinality(l.window_ids) = (
            SELECT count(*) FROM migsafe.windows x WHERE x.id = ANY (l.window_ids) AND x.opened_at <= l.executed_at)
        ELSE false END")"
# Once everything is revoked and closed, nothing runs.
conc_setup -c "SELECT migsafe_close_window()" -c "SELECT conc_revoke('conc_toggle')" >/dev/null
expect_blocked "after the load, a revoked approval refuses" \
    with_options '-c migsafe.approved_migration=conc_toggle' conc_psql -c 'DELETE FROM conc_t_1'
expect_blocked "after the load, the closed windows refuse" conc_psql -c 'TRUNCATE conc_w_1'
    echo "       concurrency: $conc_clients sessions, $conc_processed transactions, $conc_ran guarded statements ran and were audited, $conc_refused refused"
}

if conc_prepare; then
    conc_run
else
    fail "concurrency: the test database is set up"
fi
PGOPTIONS="-c migsafe.mode=off" psql -X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d postgres \
    -c "DROP DATABASE $conc_db" >/dev/null
