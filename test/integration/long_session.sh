# One session runs MIGSAFE_LONG_SESSION_STATEMENTS classified statements
# (default one million): DELETE ... WHERE (judged by the post_parse_analyze
# hook), LOCK TABLE (judged by the ProcessUtility hook) and migsafe_check()
# calls, by EXECUTE in PL/pgSQL loops of ls_batch iterations each (one
# transaction per batch), plus an approved, audited DELETE without WHERE
# every 100 iterations, of a table that holds a row (put back right after:
# a DELETE of a table without a row loses nothing and is not audited). The
# backend's memory is measured after a warm-up batch and after every batch:
# the palloc'd memory (sum of pg_backend_memory_contexts, at the end of each
# batch inside its transaction, and between batches) and the private
# resident memory (RssAnon of /proc/PID/status, which also sees what C++
# allocates with new, but not the shared buffers the session touches, which
# VmRSS counts). A leak of 4 bytes a statement would grow by 4 MB over a
# million; measured growth is flat (tens of kB), the thresholds leave room
# for caches that fill once and for malloc's arenas. Sourced by run.

ls_statements=${MIGSAFE_LONG_SESSION_STATEMENTS:-1000000}
ls_batch=50000   # iterations of the loop per transaction, 3 statements each
ls_batches=$(((ls_statements / 3 + ls_batch - 1) / ls_batch))
ls_context_limit=$((1024 * 1024))        # bytes of palloc'd memory, after the warm-up
ls_rss_limit=$((4 * 1024))               # kB of private resident memory, after the warm-up

setup_sql >/dev/null <<'SQL'
CREATE TABLE ls_t (id int);
INSERT INTO ls_t VALUES (1);
CREATE TABLE ls_wiped (id int);
INSERT INTO ls_wiped VALUES (1);
SELECT migsafe_approve('ls_audited', 'long session test', '1 hour', ARRAY['ls_wiped']);
CREATE TABLE ls_memory (batch int, place text, contexts bigint, rss_kb bigint);
-- One batch: iterations of three classified statements, the memory measured
-- at the end, inside the transaction.
CREATE PROCEDURE ls_run(batch int, iterations int) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..iterations LOOP
        EXECUTE 'DELETE FROM ls_t WHERE id = $1' USING -i;
        EXECUTE 'LOCK TABLE ls_t IN ACCESS SHARE MODE';
        PERFORM count(*) FROM migsafe_check('DROP TABLE x');
        IF i % 100 = 0 THEN
            EXECUTE 'DELETE FROM ls_wiped';
            EXECUTE 'INSERT INTO ls_wiped VALUES (1)';
        END IF;
    END LOOP;
    CALL ls_measure(batch, 'in transaction');
END
$$;
CREATE PROCEDURE ls_measure(batch int, place text) LANGUAGE sql AS $$
    INSERT INTO ls_memory
    SELECT batch, place, (SELECT sum(total_bytes) FROM pg_backend_memory_contexts),
           (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'RssAnon:\s+(\d+)'))[1]::bigint
$$;
SQL

{
    echo "SET client_min_messages = error;"
    echo "SET migsafe.approved_migration = 'ls_audited';"
    echo "CALL ls_run(0, 10000);"             # warm-up: caches, plans
    echo "CALL ls_measure(0, 'between');"
    for batch in $(seq 1 "$ls_batches"); do
        echo "CALL ls_run($batch, $ls_batch);"
        echo "CALL ls_measure($batch, 'between');"
    done
} >"$WORK/long_session.sql"
ls_started=$(date +%s)
if out=$(sql -f "$WORK/long_session.sql" 2>&1); then
    ls_seconds=$(($(date +%s) - ls_started))
    ls_ran=$(setup_sql -c "SELECT count(*) FROM migsafe.audit_log WHERE approval = 'ls_audited'")
    pass "one session ran $((ls_batches * ls_batch * 3 + ls_batches * ls_batch / 100)) classified statements (${ls_seconds}s)"
    expect_equal "every approved DELETE of the long session was audited" \
        "$(((10000 + ls_batches * ls_batch) / 100))" "$ls_ran"
    # Growth from the warm-up's measure to the largest of the later ones.
    ls_growth=$(setup_sql -F ' ' -c "
        SELECT max(m.contexts) FILTER (WHERE m.place = 'between') - max(w.contexts) FILTER (WHERE w.place = 'between'),
               max(m.contexts) FILTER (WHERE m.place = 'in transaction') - max(w.contexts) FILTER (WHERE w.place = 'in transaction'),
               max(m.rss_kb) - max(w.rss_kb) FILTER (WHERE w.place = 'between')
        FROM ls_memory m, ls_memory w WHERE m.batch > 0 AND w.batch = 0")
    read -r ls_between ls_in_transaction ls_rss <<<"$ls_growth"
    echo "       long session: palloc'd memory growth $ls_between bytes between transactions, $ls_in_transaction bytes inside, RssAnon growth $ls_rss kB"
    setup_sql -c "SELECT 'batch ' || batch || ' ' || place || ': contexts ' || contexts || ' bytes, RssAnon ' || rss_kb || ' kB' FROM ls_memory ORDER BY batch, place" |
        sed 's/^/       /'
    if [ "$ls_between" -lt "$ls_context_limit" ] && [ "$ls_in_transaction" -lt "$ls_context_limit" ]; then
        pass "long session: palloc'd memory stays bounded (growth under $ls_context_limit bytes)"
    else
        fail "long session: palloc'd memory stays bounded (growth under $ls_context_limit bytes)" "$ls_growth"
    fi
    if [ "$ls_rss" -lt "$ls_rss_limit" ]; then
        pass "long session: resident memory stays bounded (growth under $ls_rss_limit kB)"
    else
        fail "long session: resident memory stays bounded (growth under $ls_rss_limit kB)" "$ls_growth"
    fi
else
    fail "one session runs $ls_statements classified statements" "$(tail -5 <<<"$out")"
fi
setup_sql -c "SELECT migsafe_revoke('ls_audited')" >/dev/null
