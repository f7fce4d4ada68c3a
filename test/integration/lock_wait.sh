# The lock wait (migsafe.lock_wait_budget) with real concurrent sessions: a
# reader in a long transaction, an idle-in-transaction session, a foreign
# key's two tables, a session with its own lock_timeout, a cancel, VACUUM
# FULL, an approved DROP COLUMN, and migsafe_plan()'s view of the holders.
# What is checked is whether the migration joined the lock queue (pg_locks
# shows no request of its session waiting) and whether the other sessions'
# statements ran meanwhile, never how fast: bench/lock_wait measures that.
# The control case, without the lock wait, shows the queue this prevents.
# Sourced by run.

lw_psql() { psql -X -q -At -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$DB" "$@"; }

setup_sql >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE TABLE lw_customers (id int PRIMARY KEY);
INSERT INTO lw_customers SELECT generate_series(1, 100);
CREATE TABLE lw_orders (id int PRIMARY KEY, customer int, note text);
INSERT INTO lw_orders SELECT g, g % 100 + 1, 'n' FROM generate_series(1, 1000) g;
SELECT migsafe_approve('lw_drop_note', 'integration: lock wait', '1 hour', ARRAY['lw_orders']);
SQL

# An idle-in-transaction session fed through a FIFO on descriptor 7, so that
# the test says when it commits: lw_hold APP SQL, then lw_release.
lw_hold() {
    rm -f "$WORK/lw.fifo"
    mkfifo "$WORK/lw.fifo"
    PGAPPNAME=$1 lw_psql <"$WORK/lw.fifo" >"$WORK/lw-holder.out" 2>&1 &
    lw_holder=$!
    exec 7>"$WORK/lw.fifo"
    echo "BEGIN; $2" >&7
    lw_wait_for "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                 WHERE a.application_name = '$1' AND a.state = 'idle in transaction' AND l.granted"
}
lw_release() {
    echo "COMMIT;" >&7
    exec 7>&-
    wait "$lw_holder" 2>/dev/null
}
# lw_wait_for QUERY: until the query's count is not 0 (at most 10 s).
lw_wait_for() {
    local i
    for i in $(seq 100); do
        [ "$(setup_sql -c "$1")" != 0 ] && return 0
        sleep 0.1
    done
    return 1
}
# The lock requests of the session with this application_name that wait in
# PostgreSQL's queue.
lw_queued() {
    setup_sql -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                  WHERE a.application_name = '$1' AND NOT l.granted"
}
lw_columns() { setup_sql -c "SELECT count(*) FROM pg_attribute WHERE attrelid = 'lw_orders'::regclass AND attnum > 0 AND NOT attisdropped"; }
# A query another session runs meanwhile: it must not queue (2 s is ample
# for a primary-key look-up; it fails only if the query waits for a lock).
lw_app_query() { PGAPPNAME=lw-app lw_psql -c "SET statement_timeout = '2s'" -c "$1" 2>&1; }

# ---- the control: PostgreSQL's own queue -------------------------------------
lw_hold lw-reader "SELECT count(*) FROM lw_orders;"
PGAPPNAME=lw-plain lw_psql -c "SET lock_timeout = '4s'" -c "ALTER TABLE lw_orders ADD COLUMN plain text" \
    >"$WORK/lw-plain.out" 2>&1 &
plain=$!
lw_wait_for "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lw-plain' AND wait_event_type = 'Lock'"
queued=$(lw_queued lw-plain)
app=$(lw_app_query "SELECT note FROM lw_orders WHERE id = 1")
wait $plain
if [ "$queued" = 1 ] && grep -q "statement timeout" <<<"$app"; then
    pass "control: without the lock wait, the ALTER queues and a reader waits behind it"
else
    fail "control: without the lock wait, the ALTER queues and a reader waits behind it" "queued=$queued" "$app"
fi

# ---- a long reader: the ALTER waits without queueing, then gives up ----------
PGAPPNAME=lw-migration lw_psql -v VERBOSITY=verbose -c "SET migsafe.lock_wait_budget = '3s'" \
    -c "ALTER TABLE lw_orders ADD COLUMN added text" >"$WORK/lw-refused.out" 2>&1 &
migration=$!
lw_wait_for "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lw-migration' AND wait_event_type = 'Extension'"
queued=$(lw_queued lw-migration)
app=$(lw_app_query "SELECT note FROM lw_orders WHERE id = 1")
app_write=$(lw_app_query "UPDATE lw_orders SET note = 'w' WHERE id = 2")
wait $migration
expect_equal "while the ALTER waits for its lock, none of its requests is in the queue" 0 "$queued"
expect_equal "while the ALTER waits, another session reads the table" n "$app"
expect_equal "while the ALTER waits, another session writes the table" "" "$app_write"
refused=$(cat "$WORK/lw-refused.out")
if grep -q "MS002: migsafe lock-not-granted on lw_orders: ACCESS EXCLUSIVE was not free within migsafe.lock_wait_budget (3.0 s)" <<<"$refused" &&
    grep -q "Blocked by: pid [0-9]* (role postgres, application 'lw-reader') idle in transaction for [0-9.]* s, transaction open [0-9.]* s, holds AccessShareLock: SELECT count(\*) FROM lw_orders\." <<<"$refused" &&
    grep -q "HINT:  End the blocking transactions (SELECT pg_terminate_backend(pid) FROM unnest(ARRAY\[[0-9]*\])" <<<"$refused"; then
    pass "the budget spent, MS002 names the lock, the blocking session and what it runs"
else
    fail "the budget spent, MS002 names the lock, the blocking session and what it runs" "$refused"
fi
expect_equal "the refused ALTER left the table as it was" 3 "$(lw_columns)"

# ---- migsafe_plan(): who holds it now -------------------------------------------
plan=$(lw_psql -c "SELECT granted_now, blockers FROM migsafe_plan('ALTER TABLE lw_orders ADD COLUMN c text')")
if [[ "$plan" == "f|pid "*"application 'lw-reader'"*"holds AccessShareLock"* ]]; then
    pass "migsafe_plan() says the lock would not be granted now, and who holds it"
else
    fail "migsafe_plan() says the lock would not be granted now, and who holds it" "$plan"
fi
plan=$(lw_psql -c "SELECT granted_now, blockers IS NULL FROM migsafe_plan('CREATE INDEX CONCURRENTLY ON lw_orders (note)')")
expect_equal "a SHARE UPDATE EXCLUSIVE lock that a reader does not block would be granted now" "t|t" "$plan"

# ---- max_blocker_age: refused at once ----------------------------------------
out=$(lw_psql -v VERBOSITY=verbose -c "SET migsafe.lock_wait_budget = '30s'" -c "SET migsafe.max_blocker_age = '200ms'" \
    -c "ALTER TABLE lw_orders ADD COLUMN added text" 2>&1)
if grep -q "MS002: migsafe lock-not-granted on lw_orders: ACCESS EXCLUSIVE is held or awaited by a transaction open [0-9.]* s, longer than migsafe.max_blocker_age (0.2 s): not waiting for it" <<<"$out" &&
    grep -q "asked for its lock 1 time " <<<"$out"; then
    pass "a blocker older than migsafe.max_blocker_age refuses at once, budget unspent"
else
    fail "a blocker older than migsafe.max_blocker_age refuses at once, budget unspent" "$out"
fi

# ---- a superuser's cap -----------------------------------------------------------
out=$(PGOPTIONS="-c migsafe.max_lock_wait_budget=500ms" lw_psql -c "SET migsafe.lock_wait_budget = '1h'" \
    -c "ALTER TABLE lw_orders ADD COLUMN added text" 2>&1)
if grep -q "not free within migsafe.lock_wait_budget (0.5 s)" <<<"$out"; then
    pass "migsafe.max_lock_wait_budget caps the session's budget"
else
    fail "migsafe.max_lock_wait_budget caps the session's budget" "$out"
fi

# ---- a session's own lock_timeout: PostgreSQL's wait, unless lock_wait_always ---
out=$(lw_psql -v VERBOSITY=verbose -c "SET migsafe.lock_wait_budget = '10s'" -c "SET lock_timeout = '300ms'" \
    -c "ALTER TABLE lw_orders ADD COLUMN added text" 2>&1)
if grep -q "55P03: canceling statement due to lock timeout" <<<"$out"; then
    pass "a session with its own lock_timeout keeps PostgreSQL's wait"
else
    fail "a session with its own lock_timeout keeps PostgreSQL's wait" "$out"
fi
out=$(PGOPTIONS="-c migsafe.lock_wait_always=on" lw_psql -v VERBOSITY=verbose -c "SET migsafe.lock_wait_budget = '300ms'" \
    -c "SET lock_timeout = '10s'" -c "ALTER TABLE lw_orders ADD COLUMN added text" 2>&1)
if grep -q "MS002" <<<"$out"; then
    pass "with migsafe.lock_wait_always, a session with its own lock_timeout waits without queueing"
else
    fail "with migsafe.lock_wait_always, a session with its own lock_timeout waits without queueing" "$out"
fi

# ---- statements that commit internally: looked at only under lock_wait_always ---
out=$(PGOPTIONS="-c migsafe.lock_wait_always=on" lw_psql -v VERBOSITY=verbose -c "SET migsafe.lock_wait_budget = '300ms'" \
    -c "VACUUM FULL lw_orders" 2>&1)
if grep -q "MS002: migsafe lock-not-granted on lw_orders" <<<"$out"; then
    pass "with migsafe.lock_wait_always, VACUUM FULL looks before it queues"
else
    fail "with migsafe.lock_wait_always, VACUUM FULL looks before it queues" "$out"
fi

# ---- a cancel ends the wait ---------------------------------------------------------
PGAPPNAME=lw-cancelled lw_psql -v VERBOSITY=verbose -c "SET migsafe.lock_wait_budget = '60s'" \
    -c "ALTER TABLE lw_orders ADD COLUMN added text" >"$WORK/lw-cancel.out" 2>&1 &
migration=$!
lw_wait_for "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lw-cancelled' AND wait_event_type = 'Extension'"
setup_sql -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'lw-cancelled'" >/dev/null
wait $migration
if grep -q "57014: canceling statement due to user request" "$WORK/lw-cancel.out"; then
    pass "pg_cancel_backend() ends the wait"
else
    fail "pg_cancel_backend() ends the wait" "$(cat "$WORK/lw-cancel.out")"
fi

# ---- the blocker commits: the ALTER runs, and the audit has its times --------
PGAPPNAME=lw-migration lw_psql -c "SET migsafe.lock_wait_budget = '20s'" -c "BEGIN" \
    -c "ALTER TABLE lw_orders ADD COLUMN added text" -c "SELECT pg_sleep(0.5)" -c "COMMIT" >"$WORK/lw-ran.out" 2>&1 &
migration=$!
lw_wait_for "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lw-migration' AND wait_event_type = 'Extension'"
sleep 0.5
lw_release
wait $migration
expect_equal "once the blocker commits, the ALTER runs within its budget" "4" "$(lw_columns)"
audit=$(setup_sql -c "SELECT outcome, rules, lock_wait >= interval '0.5 s', lock_held >= interval '0.5 s'
                      FROM migsafe.audit_log WHERE statement = 'ALTER TABLE lw_orders ADD COLUMN added text'")
expect_equal "its audit row (outcome ran) has the time it waited and the time it held the lock until commit" \
    "ran|{}|t|t" "$audit"

# ---- a foreign key: the lock taken on one table is given back while the other is busy
lw_hold lw-customers "UPDATE lw_customers SET id = id WHERE id = 1;"
PGAPPNAME=lw-fk lw_psql -v VERBOSITY=verbose -c "SET migsafe.lock_wait_budget = '3s'" \
    -c "ALTER TABLE lw_orders ADD CONSTRAINT lw_orders_customer FOREIGN KEY (customer) REFERENCES lw_customers" \
    >"$WORK/lw-fk.out" 2>&1 &
migration=$!
lw_wait_for "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lw-fk' AND wait_event_type = 'Extension'"
held=$(setup_sql -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                     WHERE a.application_name = 'lw-fk' AND l.relation = 'lw_orders'::regclass")
app_write=$(lw_app_query "UPDATE lw_orders SET note = 'x' WHERE id = 3")
wait $migration
lw_release
expect_equal "while the referenced table is busy, the ALTER holds no lock on the referencing one" 0 "$held"
expect_equal "... whose writes go on" "" "$app_write"
if grep -q "MS002: migsafe lock-not-granted on lw_customers: SHARE ROW EXCLUSIVE" "$WORK/lw-fk.out"; then
    pass "the refusal names the busy table and its lock"
else
    fail "the refusal names the busy table and its lock" "$(cat "$WORK/lw-fk.out")"
fi
expect_equal "the refused foreign key is not there" 0 \
    "$(setup_sql -c "SELECT count(*) FROM pg_constraint WHERE conname = 'lw_orders_customer'")"

# ---- an approved DROP COLUMN: its own audit row gets the times --------------------
out=$(PGOPTIONS="-c migsafe.approved_migration=lw_drop_note" lw_psql -c "SET migsafe.lock_wait_budget = '5s'" \
    -c "ALTER TABLE lw_orders DROP COLUMN added" 2>&1)
audit=$(setup_sql -c "SELECT string_agg(outcome || ':' || array_to_string(rules, ',') || ':' || (lock_wait IS NOT NULL)
                                        || ':' || (lock_held IS NOT NULL), ' ')
                      FROM migsafe.audit_log WHERE statement = 'ALTER TABLE lw_orders DROP COLUMN added'")
expect_equal "an approved DROP COLUMN's own audit row carries the lock times, with no second row" \
    "approved:drop-column:true:true" "$audit"
expect_equal "... and the column is gone" 3 "$(lw_columns)"

# ---- off by default: no wait, no audit row for ordinary DDL ------------------------
lw_psql -c "ALTER TABLE lw_orders ADD COLUMN unaudited text" >/dev/null 2>&1
expect_equal "without a budget, ordinary DDL is not audited" 0 \
    "$(setup_sql -c "SELECT count(*) FROM migsafe.audit_log WHERE statement LIKE '%unaudited%'")"
