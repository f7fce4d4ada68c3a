# Errors crossing the boundary between PostgreSQL and migsafe's C++ code:
# a cancel (statement_timeout, pg_cancel_backend) while migsafe_check()
# classifies a 20 MB script; errors raised inside SQL the guard is judging
# (a function, a division by zero, an event trigger); the parser's and the
# stack's limits. Each time the session must survive, with the guard intact:
# the next dangerous statement is refused and a safe one runs. Sourced by run.

setup_sql >/dev/null <<'SQL'
CREATE TABLE cs_t (id int, c int);
INSERT INTO cs_t SELECT g, g FROM generate_series(1, 5) g;
SQL

# expect_survives NAME EXPECTED_SQLSTATE OUTPUT: the output of a session that
# ran a failing statement, then DELETE FROM cs_t (to be refused), then
# SELECT 'alive' (to run).
expect_survives() {
    local name=$1 sqlstate=$2 out=$3
    if grep -q "ERROR:  $sqlstate" <<<"$out" && grep -q 'MS001: migsafe blocked delete-without-where on public.cs_t' <<<"$out" &&
        grep -q '^alive$' <<<"$out"; then
        pass "$name"
    else
        fail "$name" "expected SQLSTATE $sqlstate, then a refusal, then 'alive', got:" "$(tail -c 1500 <<<"$out")"
    fi
}
# survive ARGS...: psql, on error going on, then the two statements above.
survive() {
    psql -X -q -At -v VERBOSITY=verbose -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$DB" \
        "$@" -c 'DELETE FROM cs_t' -c "SELECT 'alive'" 2>&1
}

# (a) A cancel while a 20 MB script (650 000 statements, one a line) is
# classified. The script is built by the server, so that no client sends it.
cs_big="migsafe_check(repeat(E'ALTER TABLE cs_t DROP COLUMN c;\\n', 650000))"
cs_started=$(date +%s%N)
out=$(survive -c "SET statement_timeout = '500ms'" -c "SELECT count(*) FROM $cs_big" -c 'RESET statement_timeout')
cs_timeout_ms=$((($(date +%s%N) - cs_started) / 1000000))
expect_survives "a statement_timeout during migsafe_check() of a 20 MB script cancels it; the session survives" 57014 "$out"

survive -c "SET application_name = 'cs_cancel'" -c "SELECT count(*) FROM $cs_big" >"$WORK/cancel.out" &
cs_session=$!
cs_cancelled=""
for i in $(seq 1 200); do   # until the classification is running (bounded by the loop)
    if [ "$(setup_sql -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cs_cancel' AND state = 'active' AND query LIKE '%migsafe_check%'")" = 1 ]; then
        sleep 0.3
        cs_cancel_at=$(date +%s%N)
        cs_cancelled=$(setup_sql -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'cs_cancel'")
        break
    fi
    sleep 0.05
done
wait $cs_session
cs_cancel_ms=$((($(date +%s%N) - ${cs_cancel_at:-$(date +%s%N)}) / 1000000))
if [ "$cs_cancelled" = t ]; then
    expect_survives "pg_cancel_backend() during migsafe_check() of a 20 MB script cancels it; the session survives" \
        57014 "$(cat "$WORK/cancel.out")"
else
    fail "pg_cancel_backend() during migsafe_check() of a 20 MB script cancels it" "the session was not seen running"
fi
echo "       cancel of a 20 MB migsafe_check(): statement_timeout 500 ms answered after ${cs_timeout_ms} ms, pg_cancel_backend() after ${cs_cancel_ms} ms"

# A script on a single line: each finding's column is counted from the
# previous finding, not from the line's start (which was quadratic: 40 000
# statements took 50 s). statement_timeout only bounds the test.
expect_equal "migsafe_check() of 100 000 statements on one line: every finding, the last one's column" "100000|3099970" \
    "$(setup_sql -c "SET statement_timeout = '120s'" \
        -c "SELECT count(*) || '|' || max(col) FROM migsafe_check(repeat('ALTER TABLE cs_t DROP COLUMN c;', 100000))" 2>&1)"

# (b) Errors inside SQL the guard is judging.
setup_sql >/dev/null <<'SQL'
CREATE FUNCTION cs_raise() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'cs_raise was called'; END $$;
-- Runs a dangerous statement, then fails: the refusal is caught, then another error.
CREATE FUNCTION cs_refused_then_raise() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        EXECUTE 'TRUNCATE cs_t';
    EXCEPTION WHEN SQLSTATE 'MS001' THEN
        PERFORM 1 / 0;
    END;
END $$;
CREATE FUNCTION cs_event_raise() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM pg_event_trigger_dropped_objects() WHERE object_name = 'cs_dropped') THEN
        RAISE EXCEPTION 'cs_event_raise refuses' USING ERRCODE = 'P0001';
    END IF;
END $$;
CREATE EVENT TRIGGER cs_event_raise ON sql_drop EXECUTE FUNCTION cs_event_raise();
CREATE TABLE cs_dropped (id int);
INSERT INTO cs_dropped VALUES (1);  -- a row: dropping an empty table needs no approval
SELECT migsafe_approve('cs_drop', 'crash safety test', '1 hour', ARRAY['cs_dropped']);
SQL
expect_survives "a function raising in a judged DELETE's WHERE: the session survives" P0001 \
    "$(survive -c 'DELETE FROM cs_t WHERE id = cs_raise()')"
expect_survives "a division by zero in a judged DELETE's WHERE: the session survives" 22012 \
    "$(survive -c 'DELETE FROM cs_t WHERE id = 1 / 0')"
expect_survives "an error raised after a caught refusal, in a function: the session survives" 22012 \
    "$(survive -c 'SELECT cs_refused_then_raise()')"
cs_audit_before=$(setup_sql -c "SELECT count(*) FROM migsafe.audit_log WHERE approval = 'cs_drop'")
expect_survives "an event trigger raising after an approved DROP TABLE: the session survives" P0001 \
    "$(with_options '-c migsafe.approved_migration=cs_drop' survive -c 'DROP TABLE cs_dropped')"
expect_equal "the failed DROP left the table and no audit row (the row went with its transaction)" \
    "1|$cs_audit_before" \
    "$(setup_sql -c "SELECT (SELECT count(*) FROM pg_class WHERE relname = 'cs_dropped'), (SELECT count(*) FROM migsafe.audit_log WHERE approval = 'cs_drop')")"
setup_sql -c 'DROP EVENT TRIGGER cs_event_raise' >/dev/null

# (c) Limits: the parser's stack, the stack depth of the analysis and of
# the classifier's walk over a deep expression, a huge IN list.
expect_survives "migsafe_check() of 100 000 nested parentheses: the parser's error, the session survives" 42601 \
    "$(survive -c "SELECT count(*) FROM migsafe_check('SELECT ' || repeat('(', 100000) || '1' || repeat(')', 100000))")"
expect_survives "migsafe_check() of an expression 1 000 000 deep: stack depth limit, the session survives" 54001 \
    "$(survive -c "SELECT count(*) FROM migsafe_check('DELETE FROM cs_t WHERE ' || repeat('1+', 1000000) || '1 = 2')")"
{ printf 'DELETE FROM cs_t WHERE '; head -c 400000 /dev/zero | tr '\0' '+' | sed 's/+/1+/g'; echo '1 = 2;'; } >"$WORK/deep.sql"
expect_survives "a judged DELETE with an expression 400 000 deep: stack depth limit, the session survives" 54001 \
    "$(survive -f "$WORK/deep.sql")"
expect_equal "migsafe_check() of a DELETE with an IN list of a million values: no finding (it has a WHERE)" 0 \
    "$(setup_sql -c "SELECT count(*) FROM migsafe_check('DELETE FROM cs_t WHERE id IN (' || repeat('1,', 1000000) || '1)')")"
expect_equal "the guarded table is intact" 5 "$(setup_sql -c 'SELECT count(*) FROM cs_t')"
