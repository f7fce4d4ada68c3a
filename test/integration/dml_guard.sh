# The DML half of the guard, held to its promise: a statement that wipes or
# overwrites an existing table's data does not run unless approved, and
# ordinary application traffic is never refused. Enforce mode, migsafe
# preloaded; every table below is created and filled in an earlier
# transaction than the case (dg_reset), so it is an existing table.
#
# A. Refused (MS001), and afterwards every table holds exactly the rows it
#    held before (count and checksum of values, dg_refused):
#   A1  views and new parents in front of an existing table: a temporary
#       view, a view created in the transaction, a new parent via
#       ALTER TABLE ... INHERIT, a new partitioned parent via ATTACH PARTITION
#   A2  EXPLAIN whose last ANALYZE option is on (it runs the DELETE)
#   A3  filters that restrict nothing (id = id, id IS NOT NULL on the key,
#       true OR ...) or restrict another table (UPDATE ... FROM, DELETE ...
#       USING, MERGE ON a condition on the source only, uncorrelated EXISTS)
#   A4  INSERT ... SELECT from the table itself ON CONFLICT DO UPDATE: it
#       overwrites every row
#   A5  a rule whose DELETE or UPDATE action is fired by an INSERT (refused
#       at CREATE RULE or when it fires)
#   A6  the same unfiltered DELETE or UPDATE by every path: direct, PREPARE /
#       EXECUTE, COPY (... RETURNING) TO, CREATE TABLE AS over a data-modifying
#       WITH, PL/pgSQL, DO, a LANGUAGE sql function, the extended protocol
#       (pgbench -M extended and -M prepared)
#   A7  triggers and cascades: a BEFORE or AFTER trigger that deletes every
#       row of another table; DELETE without WHERE on a parent whose
#       children go with ON DELETE CASCADE; new or empty parents whose
#       children hold the rows
#   A8  by effect (mass-delete, mass-update, threshold lowered to 5 rows):
#       a filtered delete cascading to every child, triggers, functions, DO
#       blocks, INSTEAD OF triggers and procedures whose filters select every
#       row, an upsert of every key; with B cases for what must still run (a
#       queue emptied by its own filter, fewer rows than the threshold, an
#       approved one, audited with its count)
#   A9  empty tables and other sessions: a row another session has
#       inserted and not committed, or the only row it has deleted and not
#       committed, counts (TRUNCATE, DELETE, UPDATE and DROP refused at
#       once); a DELETE that found the table empty keeps others from adding
#       a row until it commits; a DELETE prepared (pgbench -M prepared)
#       while the table held no row, run again once it holds one; pgbench
#       -i a second time (its DROP of tables that hold rows)
# B. Runs (ordinary application DML), with the intended effect checked
#    afterwards (dg_runs): correlated and uncorrelated subqueries, anti-joins,
#    UPDATE ... FROM and DELETE ... USING joined to the target, MERGE on a
#    join, upserts, cursors (WHERE CURRENT OF), parameterised statements over
#    the extended protocol, batch deletes, a view with a WHERE, queue drains,
#    EXPLAIN that does not run the DELETE, pgbench's built-in scripts in every
#    query mode, pgbench -i on a fresh database, and a table emptied by
#    DELETE (dead rows only) emptied and dropped again.
# Sourced by run.

dg_saved_db=$DB
DB=migsafe_dml_guard
dg_bench_db=migsafe_dml_guard_bench
dg_dir=$WORK/dml_guard
mkdir -p "$dg_dir"
[ "$(id -u)" = 0 ] && chown postgres: "$dg_dir"

dg_admin() {
    PGOPTIONS="-c migsafe.mode=off" psql -X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d postgres "$@"
}
dg_admin -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null 2>&1
setup_sql -c "CREATE EXTENSION migsafe" >/dev/null

# gsql [psql args...]: guarded, with the SQLSTATE in error messages.
gsql() { sql -v VERBOSITY=verbose "$@"; }

# dg_reset: the fixture, from scratch, in a transaction of its own.
dg_reset() {
    setup_sql >/dev/null 2>&1 <<'SQL'
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS public CASCADE;
CREATE SCHEMA public;
BEGIN;
CREATE TABLE t (id int PRIMARY KEY, val text);
INSERT INTO t SELECT g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'v' || g END FROM generate_series(1, 100) g;
CREATE TABLE u (id int PRIMARY KEY, flag boolean NOT NULL, name text NOT NULL);
INSERT INTO u SELECT g, g % 2 = 0, 'n' || g FROM generate_series(1, 20) g;
CREATE TABLE t2 (id int NOT NULL, val text);
INSERT INTO t2 SELECT g, 'w' || g FROM generate_series(1, 50) g;
CREATE TABLE staging (id int PRIMARY KEY, val text);
INSERT INTO staging SELECT g, 's' || g FROM generate_series(95, 105) g;
CREATE TABLE users (id int PRIMARY KEY);
INSERT INTO users SELECT generate_series(1, 10);
CREATE TABLE sessions (id int PRIMARY KEY, user_id int NOT NULL);
INSERT INTO sessions SELECT g, g FROM generate_series(1, 20) g;
CREATE TABLE jobs (id int PRIMARY KEY, done boolean NOT NULL);
INSERT INTO jobs SELECT g, g % 3 = 0 FROM generate_series(1, 30) g;
CREATE TABLE queue (id int PRIMARY KEY);
INSERT INTO queue SELECT generate_series(1, 100);
CREATE TABLE parent (id int PRIMARY KEY);
INSERT INTO parent SELECT generate_series(1, 10);
CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent ON DELETE CASCADE);
INSERT INTO child SELECT g, (g - 1) % 10 + 1 FROM generate_series(1, 20) g;
-- Tables whose INSERT fires a rule or a trigger (not part of the digest).
CREATE TABLE log (id int);
CREATE TABLE a (id int);
COMMIT;
SQL
}

# dg_digest: per table, rows and a checksum of their values.
dg_tables="t u t2 staging users sessions jobs queue parent child"
dg_digest() {
    local query="" table
    for table in $dg_tables; do
        [ -n "$query" ] && query+=" UNION ALL "
        query+="SELECT '$table', count(*), coalesce(sum(hashtext(x::text)), 0) FROM ONLY $table x"
    done
    setup_sql -F: -R' ' -c "$query" 2>&1
}

# dg_refused NAME COMMAND...: on a fresh fixture, the command is refused
# (MS001; pgbench prints no SQLSTATE, only migsafe's message) and every
# table then holds exactly what it held before.
dg_refused() {
    local name=$1; shift
    dg_reset
    local before after out
    before=$(dg_digest)
    if [[ $before != "t:100:"* ]]; then
        fail "$name" "the fixture is not in place: $before"
        return
    fi
    out=$("$@" 2>&1)
    after=$(dg_digest)
    if ! grep -Eq 'MS001|ERROR: +migsafe blocked' <<<"$out"; then
        fail "$name" "ran, must be refused" "$(tail -c 1500 <<<"$out")" "before: $before" "after:  $after"
    elif [ "$before" != "$after" ]; then
        fail "$name" "refused, but the data changed" "before: $before" "after:  $after"
    else
        pass "$name"
    fi
}

# dg_runs NAME CHECK_SQL EXPECTED COMMAND...: on a fresh fixture, the command
# succeeds without a refusal, and CHECK_SQL then returns EXPECTED.
dg_runs() {
    local name=$1 check=$2 expected=$3; shift 3
    dg_reset
    local out status actual
    out=$("$@" 2>&1)
    status=$?
    if [ $status -ne 0 ] || grep -Eq 'MS001|ERROR: +migsafe blocked' <<<"$out"; then
        fail "$name" "refused or failed (exit $status), must run" "$(tail -c 1500 <<<"$out")"
        return
    fi
    actual=$(setup_sql -c "$check" 2>&1)
    expect_equal "$name" "$expected" "$actual"
}

# dg_pgbench MODE SCRIPT [pgbench args...]: one transaction of SCRIPT over
# the extended protocol (or simple), against the fixture's database.
dg_pgbench() {
    local mode=$1 script=$2; shift 2
    pgbench -n -t 1 -M "$mode" -f "$script" "$@" -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres "$DB"
}
echo 'DELETE FROM t;' >"$dg_dir/delete.sql"
echo 'UPDATE t SET val = NULL;' >"$dg_dir/update.sql"
printf '%s\n' '\set id random(1, 100)' "UPDATE t SET val = 'p' WHERE id = :id;" >"$dg_dir/param_update.sql"
printf '%s\n' '\set id random(1, 100)' 'DELETE FROM queue WHERE id = :id;' >"$dg_dir/param_delete.sql"

# --- A1: views and new parents in front of an existing table
dg_refused "A1 temp view: DELETE FROM v" \
    gsql -c "CREATE TEMP VIEW v AS SELECT * FROM t" -c "DELETE FROM v"
dg_refused "A1 temp view: UPDATE v SET val = NULL" \
    gsql -c "CREATE TEMP VIEW v AS SELECT * FROM t" -c "UPDATE v SET val = NULL"
dg_refused "A1 view created in the transaction: DELETE FROM v2" \
    gsql -c "BEGIN" -c "CREATE VIEW v2 AS SELECT * FROM t" -c "DELETE FROM v2" -c "COMMIT"
dg_refused "A1 new parent by INHERIT: DELETE FROM p" \
    gsql -c "BEGIN" -c "CREATE TABLE p (id int, val text)" -c "ALTER TABLE t INHERIT p" -c "DELETE FROM p" -c "COMMIT"
dg_refused "A1 new parent by INHERIT: TRUNCATE p" \
    gsql -c "BEGIN" -c "CREATE TABLE p (id int, val text)" -c "ALTER TABLE t INHERIT p" -c "TRUNCATE p" -c "COMMIT"
dg_refused "A1 new partitioned parent by ATTACH: TRUNCATE p2" \
    gsql -c "BEGIN" -c "CREATE TABLE p2 (id int NOT NULL, val text) PARTITION BY RANGE (id)" \
    -c "ALTER TABLE p2 ATTACH PARTITION t2 FOR VALUES FROM (1) TO (1000)" -c "TRUNCATE p2" -c "COMMIT"
dg_refused "A1 new partitioned parent by ATTACH: DELETE FROM p2" \
    gsql -c "BEGIN" -c "CREATE TABLE p2 (id int NOT NULL, val text) PARTITION BY RANGE (id)" \
    -c "ALTER TABLE p2 ATTACH PARTITION t2 FOR VALUES FROM (1) TO (1000)" -c "DELETE FROM p2" -c "COMMIT"

# --- A2: EXPLAIN takes the last ANALYZE option
dg_refused "A2 EXPLAIN (ANALYZE off, ANALYZE on) DELETE" \
    gsql -c "EXPLAIN (ANALYZE off, ANALYZE on) DELETE FROM t"

# --- A3: filters that restrict nothing, or restrict another table
dg_refused "A3 DELETE WHERE id = id" gsql -c "DELETE FROM t WHERE id = id"
dg_refused "A3 DELETE WHERE id IS NOT NULL (primary key)" gsql -c "DELETE FROM t WHERE id IS NOT NULL"
dg_refused "A3 DELETE WHERE true OR id = 1" gsql -c "DELETE FROM t WHERE true OR id = 1"
dg_refused "A3 UPDATE FROM u WHERE u.id = 1 (filters u only)" \
    gsql -c "UPDATE t SET val = NULL FROM u WHERE u.id = 1"
dg_refused "A3 DELETE USING u WHERE u.flag (filters u only)" gsql -c "DELETE FROM t USING u WHERE u.flag"
dg_refused "A3 MERGE ON u.id = 1 WHEN MATCHED THEN DELETE" \
    gsql -c "MERGE INTO t USING u ON u.id = 1 WHEN MATCHED THEN DELETE"
dg_refused "A3 DELETE WHERE uncorrelated EXISTS" gsql -c "DELETE FROM t WHERE EXISTS (SELECT 1 FROM u)"

# --- A4: an upsert that overwrites every row
dg_refused "A4 INSERT SELECT from itself ON CONFLICT DO UPDATE" \
    gsql -c "INSERT INTO t SELECT * FROM t ON CONFLICT (id) DO UPDATE SET val = NULL"

# --- A5: rules fired by an INSERT (refused at CREATE RULE or when fired;
# both statements are tried, the INSERT whatever became of the rule)
dg_refused "A5 rule ON INSERT DO ALSO DELETE, fired" \
    gsql -v ON_ERROR_STOP=0 -c "CREATE RULE r AS ON INSERT TO log DO ALSO DELETE FROM t WHERE NEW.id > 0" \
    -c "INSERT INTO log VALUES (1)"
dg_refused "A5 rule ON INSERT DO ALSO UPDATE, fired" \
    gsql -v ON_ERROR_STOP=0 -c "CREATE RULE r AS ON INSERT TO log DO ALSO UPDATE t SET val = NULL WHERE NEW.id > 0" \
    -c "INSERT INTO log VALUES (1)"

# --- A6: the same unfiltered statement by every path
dg_refused "A6 direct DELETE" gsql -c "DELETE FROM t"
dg_refused "A6 direct UPDATE" gsql -c "UPDATE t SET val = NULL"
dg_refused "A6 PREPARE/EXECUTE DELETE WHERE uncorrelated EXISTS" \
    gsql -c "PREPARE p AS DELETE FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.flag)" -c "EXECUTE p"
dg_refused "A6 COPY (DELETE RETURNING) TO STDOUT" gsql -c "COPY (DELETE FROM t RETURNING *) TO STDOUT"
dg_refused "A6 CREATE TABLE AS over WITH DELETE" \
    gsql -c "CREATE TABLE x AS WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d"
dg_refused "A6 PL/pgSQL function DELETE" \
    gsql -c 'CREATE FUNCTION wipe() RETURNS void LANGUAGE plpgsql AS $$BEGIN DELETE FROM t; END$$' -c "SELECT wipe()"
dg_refused "A6 PL/pgSQL function UPDATE" \
    gsql -c 'CREATE FUNCTION wipe() RETURNS void LANGUAGE plpgsql AS $$BEGIN UPDATE t SET val = NULL; END$$' \
    -c "SELECT wipe()"
dg_refused "A6 DO block DELETE" gsql -c 'DO $$BEGIN DELETE FROM t; END$$'
dg_refused "A6 LANGUAGE sql function DELETE" \
    gsql -c 'CREATE FUNCTION wipe() RETURNS void LANGUAGE sql AS $$DELETE FROM t$$' -c "SELECT wipe()"
dg_refused "A6 pgbench -M extended DELETE" dg_pgbench extended "$dg_dir/delete.sql"
dg_refused "A6 pgbench -M prepared DELETE" dg_pgbench prepared "$dg_dir/delete.sql"
dg_refused "A6 pgbench -M extended UPDATE" dg_pgbench extended "$dg_dir/update.sql"
dg_refused "A6 pgbench -M prepared UPDATE" dg_pgbench prepared "$dg_dir/update.sql"

# --- A7: triggers and cascades
dg_refused "A7 BEFORE INSERT trigger deleting t" \
    gsql -c 'CREATE FUNCTION trig() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN DELETE FROM t; RETURN NEW; END$$' \
    -c "CREATE TRIGGER tr BEFORE INSERT ON a FOR EACH ROW EXECUTE FUNCTION trig()" -c "INSERT INTO a VALUES (1)"
dg_refused "A7 AFTER INSERT trigger deleting t" \
    gsql -c 'CREATE FUNCTION trig() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN DELETE FROM t; RETURN NULL; END$$' \
    -c "CREATE TRIGGER tr AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION trig()" -c "INSERT INTO a VALUES (1)"
dg_refused "A7 DELETE FROM parent, ON DELETE CASCADE to child" gsql -c "DELETE FROM parent"

dg_refused "A7 new parent whose first child is empty: DELETE FROM p reaches the others" \
    gsql -c "BEGIN" -c "CREATE TABLE p (id int, val text)" -c "ALTER TABLE log ADD val text" -c "ALTER TABLE log INHERIT p" \
    -c "ALTER TABLE t INHERIT p" -c "DELETE FROM p" -c "COMMIT"
dg_refused "A7 empty inheritance parent: TRUNCATE reaches its child's rows" \
    gsql -c "CREATE TABLE ip (id int, val text)" -c "ALTER TABLE t INHERIT ip" -c "TRUNCATE ip"
dg_refused "A5 rule created with the guard off, fired by an INSERT" \
    gsql -c "SET migsafe.mode = off" -c "CREATE RULE r AS ON INSERT TO log DO ALSO DELETE FROM t WHERE NEW.id > 0" \
    -c "RESET migsafe.mode" -c "INSERT INTO log VALUES (1)"
dg_refused "A3 DELETE WHERE id IS NOT DISTINCT FROM id" gsql -c "DELETE FROM t WHERE id IS NOT DISTINCT FROM id"

# --- A8: by effect (mass-delete, mass-update), with a low threshold: what no
# reading of the statement shows
dg_effect() { gsql -c "SET migsafe.mass_change_min_rows = 5" "$@"; }
dg_refused "A8 filtered DELETE of every parent cascades to every child (mass-delete)" \
    dg_effect -c "DELETE FROM parent WHERE id > 0"
dg_refused "A8 trigger deleting t with a filter that selects every row" \
    dg_effect -c 'CREATE FUNCTION trig() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN DELETE FROM t WHERE id > 0; RETURN NULL; END$$' \
    -c "CREATE TRIGGER tr AFTER INSERT ON a FOR EACH ROW EXECUTE FUNCTION trig()" -c "INSERT INTO a VALUES (1)"
dg_refused "A8 function whose filter selects every row" \
    dg_effect -c 'CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$DELETE FROM t WHERE id > 0$$' -c "SELECT purge()"
dg_refused "A8 DO block whose filter selects every row" \
    dg_effect -c 'DO $$BEGIN DELETE FROM t WHERE val IS NULL OR val IS NOT NULL; END$$'
dg_refused "A8 INSTEAD OF trigger on a view deleting row by row" \
    dg_effect -c "CREATE VIEW tv AS SELECT * FROM t" \
    -c 'CREATE FUNCTION tv_delete() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN DELETE FROM t WHERE id = OLD.id; RETURN OLD; END$$' \
    -c "CREATE TRIGGER tv_delete INSTEAD OF DELETE ON tv FOR EACH ROW EXECUTE FUNCTION tv_delete()" \
    -c "DELETE FROM tv WHERE id > 0"
dg_refused "A8 upsert of every key from another table (mass-update)" \
    dg_effect -c "CREATE TEMP TABLE every_key AS SELECT id, 'x' AS val FROM t" \
    -c "INSERT INTO t SELECT * FROM every_key ON CONFLICT (id) DO UPDATE SET val = EXCLUDED.val"
dg_refused "A8 procedure that deletes every row and commits" \
    dg_effect -c 'CREATE PROCEDURE purge_all() LANGUAGE plpgsql AS $$BEGIN DELETE FROM t WHERE id > 0; COMMIT; END$$' \
    -c "CALL purge_all()"
dg_refused "A8 deferred ON DELETE CASCADE fired by COMMIT (mass-delete)" \
    dg_effect -c "ALTER TABLE child ALTER CONSTRAINT child_parent_id_fkey DEFERRABLE INITIALLY DEFERRED" \
    -c "BEGIN" -c "DELETE FROM parent WHERE id > 0" -c "COMMIT"
dg_runs "B by effect: a loop that deletes and re-inserts its own row loses nothing" \
    "SELECT count(*) FROM queue" "100" \
    dg_effect -c 'DO $$BEGIN FOR r IN 1..20 LOOP DELETE FROM queue WHERE id = 1; INSERT INTO queue VALUES (1); END LOOP; END$$'
dg_runs "B by effect: after an error caught in an exception block, a queue emptied by its own filter runs" \
    "SELECT count(*) FROM queue" "0" \
    dg_effect -c "BEGIN" \
    -c 'DO $$BEGIN BEGIN DELETE FROM queue WHERE id / (id - id) = 1; EXCEPTION WHEN division_by_zero THEN NULL; END; END$$' \
    -c "DELETE FROM queue WHERE id > 0" -c "COMMIT"
dg_runs "B by effect: a queue emptied by its own filter runs" \
    "SELECT count(*) FROM queue" "0" \
    dg_effect -c "DELETE FROM queue WHERE id > 0"
dg_runs "B by effect: a filtered UPDATE of every row of its own table runs" \
    "SELECT count(*) FROM t WHERE val = 'z'" "100" \
    dg_effect -c "UPDATE t SET val = 'z' WHERE id > 0"
dg_runs "B by effect: a function deleting some rows runs" \
    "SELECT count(*) FROM t" "50" \
    dg_effect -c 'CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$DELETE FROM t WHERE id > 50$$' -c "SELECT purge()"
dg_runs "B by effect: below migsafe.mass_change_min_rows (default 1000) nothing is judged" \
    "SELECT count(*) FROM t" "0" \
    gsql -c 'CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$DELETE FROM t WHERE id > 0$$' -c "SELECT purge()"
dg_runs "B by effect: approved, it runs and is audited" \
    "SELECT count(*) FROM t UNION ALL SELECT count(*) FROM migsafe.audit_log WHERE 'mass-delete' = ANY (rules) AND outcome = 'approved'" \
    "$(printf '0\n1')" \
    dg_effect -c "SELECT migsafe_approve('purge_t', 'test', objects => ARRAY['public.t'])" \
    -c "SET migsafe.approved_migration = 'purge_t'" \
    -c 'CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$DELETE FROM t WHERE id > 0$$' -c "SELECT purge()"
out=$(dg_reset; dg_effect -c 'CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$DELETE FROM t WHERE id > 0$$' \
    -c "SELECT purge()" 2>&1)
if grep -q "deleted 100 rows of public.t and left none" <<<"$out"; then
    pass "A8 the refusal names the rule, the table and the count"
else
    fail "A8 the refusal names the rule, the table and the count" "$out"
fi

# --- A9: empty tables and other sessions. A table whose pages hold only
# dead rows holds no row, unless another transaction has inserted one (or
# deleted the rows) and not committed yet: then it counts as holding rows
# (fail closed), and the refusal comes at once, without waiting for that
# transaction.
dg_pending_setup() {
    setup_sql -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS pending" -c "CREATE TABLE pending (id int, val text)" \
        -c "INSERT INTO pending SELECT g, 'old' FROM generate_series(1, 500) g" -c "DELETE FROM pending" "$@" >/dev/null
}
# dg_while_other NAME OTHER_SQL...: runs OTHER_SQL (guard off) in a
# background session that then sleeps 6 s in its open transaction and
# commits; once it sleeps, each statement of dg_statements must be refused
# while it still runs.
dg_statements=("TRUNCATE pending" "DELETE FROM pending" "UPDATE pending SET val = NULL" "DROP TABLE pending")
dg_while_other() {
    local name=$1; shift
    setup_sql -c "SET application_name = 'dg_other'" -c "BEGIN" "$@" -c "SELECT pg_sleep(6)" -c "COMMIT" \
        >"$WORK/dg_other.out" 2>&1 &
    local other=$! i statement out
    for i in $(seq 100); do
        [ "$(setup_sql -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dg_other'
                             AND query = 'SELECT pg_sleep(6)' AND state = 'active'")" = 1 ] && break
        sleep 0.1
    done
    for statement in "${dg_statements[@]}"; do
        out=$(gsql -c "$statement" 2>&1)
        if ! grep -q MS001 <<<"$out"; then
            fail "$name: $statement" "must be refused" "$out"
        elif ! kill -0 "$other" 2>/dev/null; then
            fail "$name: $statement" "refused only once the other transaction had ended" "$out"
        else
            pass "$name: $statement"
        fi
    done
    wait "$other"
}
dg_pending_setup
dg_while_other "A9 a row another session has inserted, not committed" \
    -c "INSERT INTO pending VALUES (1, 'uncommitted')"
expect_equal "A9 ... and the row is there once it commits" "1|uncommitted" "$(setup_sql -c "SELECT * FROM pending")"
dg_pending_setup -c "INSERT INTO pending VALUES (2, 'committed')"
dg_while_other "A9 the only row deleted by another session, not committed" \
    -c "DELETE FROM pending"
expect_equal "A9 ... and the table is as that session left it" "0" "$(setup_sql -c "SELECT count(*) FROM pending")"
# Found empty, the family stays SHARE-locked until the transaction ends: no
# row can be committed between the look and the statement.
dg_pending_setup
sql -c "BEGIN" -c "DELETE FROM pending" -c "SELECT pg_sleep(3)" -c "COMMIT" >"$WORK/dg_empty.out" 2>&1 &
dg_empty=$!
sleep 1
out=$(setup_sql -c "SET lock_timeout = '500ms'" -c "INSERT INTO pending VALUES (3, 'late')" 2>&1)
wait $dg_empty
if grep -q "lock timeout" <<<"$out" && [ "$(setup_sql -c "SELECT count(*) FROM pending")" = 0 ] &&
    ! grep -q MS001 "$WORK/dg_empty.out"; then
    pass "A9 DELETE of an empty table runs, and no row can be added until it commits"
else
    fail "A9 DELETE of an empty table runs, and no row can be added until it commits" "$out" "$(cat "$WORK/dg_empty.out")"
fi
# The extended protocol's named statements (pgbench -M prepared): prepared
# while the table held no row, the DELETE ran; in the next transaction the
# table holds the row the first one inserted, and the same statement is
# analysed again and refused.
dg_pending_setup
printf '%s\n' 'DELETE FROM pending;' "INSERT INTO pending VALUES (1, 'kept');" >"$dg_dir/empty_then_row.sql"
out=$(dg_pgbench prepared "$dg_dir/empty_then_row.sql" -t 2 2>&1)
if grep -q 'migsafe blocked delete-without-where on public.pending' <<<"$out" &&
    [ "$(setup_sql -c "SELECT * FROM pending")" = "1|kept" ]; then
    pass "A9 pgbench -M prepared: a DELETE prepared on an empty table is refused once it holds a row"
else
    fail "A9 pgbench -M prepared: a DELETE prepared on an empty table is refused once it holds a row" \
        "$(tail -c 1500 <<<"$out")" "$(setup_sql -c "SELECT * FROM pending" 2>&1)"
fi
dg_pending_setup
expect_equal "B an emptied table (dead rows only): DELETE, UPDATE, TRUNCATE run, DROP warns and runs" \
    "$(printf 'WARNING:  migsafe review: drop-table on pending\nt')" \
    "$(gsql -v VERBOSITY=terse -c "DELETE FROM pending" -c "UPDATE pending SET val = NULL" -c "TRUNCATE pending" \
        -c "DROP TABLE pending" 2>&1; setup_sql -c "SELECT to_regclass('pending') IS NULL")"

# --- B: ordinary application DML runs, with its effect
dg_runs "B orphan clean-up (correlated NOT EXISTS)" \
    "SELECT count(*), max(user_id) FROM sessions" "10|10" \
    gsql -c "DELETE FROM sessions WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = sessions.user_id)"
dg_runs "B DELETE WHERE correlated EXISTS" "SELECT count(*), min(id) FROM t" "80|21" \
    gsql -c "DELETE FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id)"
dg_runs "B UPDATE WHERE correlated scalar subquery" \
    "SELECT count(*), count(*) FILTER (WHERE val = 'x') FROM t" "100|10" \
    gsql -c "UPDATE t SET val = 'x' WHERE (SELECT flag FROM u WHERE u.id = t.id)"
dg_runs "B PL/pgSQL: correlated DELETE" "SELECT count(*), min(id) FROM t" "80|21" \
    gsql -c 'CREATE FUNCTION prune() RETURNS void LANGUAGE plpgsql AS $$
BEGIN DELETE FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id); END$$' -c "SELECT prune()"
dg_runs "B PL/pgSQL: correlated UPDATE" "SELECT count(*), count(*) FILTER (WHERE val = 'x') FROM t" "100|10" \
    gsql -c 'CREATE FUNCTION mark() RETURNS void LANGUAGE plpgsql AS $$
BEGIN UPDATE t SET val = '"'x'"' WHERE (SELECT flag FROM u WHERE u.id = t.id); END$$' -c "SELECT mark()"
dg_runs "B PREPARE/EXECUTE: correlated DELETE" "SELECT count(*), min(id) FROM t" "80|21" \
    gsql -c "PREPARE q AS DELETE FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id)" -c "EXECUTE q"
dg_runs "B PREPARE/EXECUTE: correlated UPDATE" "SELECT count(*), count(*) FILTER (WHERE val = 'x') FROM t" "100|10" \
    gsql -c "PREPARE q AS UPDATE t SET val = 'x' WHERE (SELECT flag FROM u WHERE u.id = t.id)" -c "EXECUTE q"
dg_runs "B DELETE WHERE id IN (uncorrelated subquery)" "SELECT count(*), count(*) FILTER (WHERE id <= 20) FROM t" "90|10" \
    gsql -c "DELETE FROM t WHERE id IN (SELECT id FROM u WHERE flag)"
dg_runs "B UPDATE WHERE id = (SELECT max(id) FROM u)" \
    "SELECT count(*), string_agg(id::text, ',') FILTER (WHERE val = 'y') FROM t" "100|20" \
    gsql -c "UPDATE t SET val = 'y' WHERE id = (SELECT max(id) FROM u)"
dg_runs "B anti-join DELETE WHERE id NOT IN" "SELECT count(*), max(id) FROM t" "20|20" \
    gsql -c "DELETE FROM t WHERE id NOT IN (SELECT id FROM u)"
dg_runs "B UPDATE FROM u WHERE u.id = t.id" "SELECT count(*), count(*) FILTER (WHERE val LIKE 'n%') FROM t" "100|20" \
    gsql -c "UPDATE t SET val = u.name FROM u WHERE u.id = t.id"
dg_runs "B DELETE USING u WHERE u.id = t.id AND u.flag" \
    "SELECT count(*), count(*) FILTER (WHERE id <= 20) FROM t" "90|10" \
    gsql -c "DELETE FROM t USING u WHERE u.id = t.id AND u.flag"
dg_runs "B MERGE ON t.id = u.id" "SELECT count(*), count(*) FILTER (WHERE val LIKE 'n%') FROM t" "100|20" \
    gsql -c "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN UPDATE SET val = u.name
WHEN NOT MATCHED THEN INSERT VALUES (u.id, u.name)"
dg_runs "B upsert VALUES ON CONFLICT DO UPDATE" \
    "SELECT count(*), (SELECT val FROM t WHERE id = 5), (SELECT val FROM t WHERE id = 101) FROM t" "101|new|added" \
    gsql -c "INSERT INTO t VALUES (5, 'new'), (101, 'added') ON CONFLICT (id) DO UPDATE SET val = EXCLUDED.val"
dg_runs "B upsert VALUES ON CONFLICT DO NOTHING" \
    "SELECT count(*), (SELECT val FROM t WHERE id = 5), (SELECT val FROM t WHERE id = 101) FROM t" "101|v5|added" \
    gsql -c "INSERT INTO t VALUES (5, 'new'), (101, 'added') ON CONFLICT DO NOTHING"
dg_runs "B upsert SELECT FROM staging ON CONFLICT DO UPDATE" \
    "SELECT count(*), count(*) FILTER (WHERE val LIKE 's%') FROM t" "105|11" \
    gsql -c "INSERT INTO t SELECT * FROM staging ON CONFLICT (id) DO UPDATE SET val = EXCLUDED.val"
dg_runs "B cursor: UPDATE and DELETE WHERE CURRENT OF" \
    "SELECT count(*), count(*) FILTER (WHERE id = 1 OR val = 'z') FROM t" "99|0" \
    gsql -c "BEGIN" -c "DECLARE c CURSOR FOR SELECT * FROM t FOR UPDATE" -c "FETCH c" \
    -c "UPDATE t SET val = 'z' WHERE CURRENT OF c" -c "DELETE FROM t WHERE CURRENT OF c" -c "COMMIT"
dg_runs "B pgbench -M extended: UPDATE WHERE id = :id" \
    "SELECT count(*), count(*) FILTER (WHERE val = 'p') > 0 FROM t" "100|t" \
    dg_pgbench extended "$dg_dir/param_update.sql" -t 5
dg_runs "B pgbench -M prepared: UPDATE WHERE id = :id" \
    "SELECT count(*), count(*) FILTER (WHERE val = 'p') > 0 FROM t" "100|t" \
    dg_pgbench prepared "$dg_dir/param_update.sql" -t 5
dg_runs "B pgbench -M extended: DELETE FROM queue WHERE id = :id" "SELECT count(*) < 100 FROM queue" "t" \
    dg_pgbench extended "$dg_dir/param_delete.sql" -t 5
dg_runs "B pgbench -M prepared: DELETE FROM queue WHERE id = :id" "SELECT count(*) < 100 FROM queue" "t" \
    dg_pgbench prepared "$dg_dir/param_delete.sql" -t 5
dg_runs "B batch DELETE WHERE id IN (... LIMIT 100)" "SELECT count(*), count(*) FILTER (WHERE val IS NULL) FROM t" "90|0" \
    gsql -c "DELETE FROM t WHERE id IN (SELECT id FROM t WHERE val IS NULL LIMIT 100)"
dg_runs "B batch DELETE WHERE ctid IN (... LIMIT 10)" "SELECT count(*) FROM t" "90" \
    gsql -c "DELETE FROM t WHERE ctid IN (SELECT ctid FROM t LIMIT 10)"
dg_runs "B view with a WHERE: UPDATE active WHERE id = 5" \
    "SELECT count(*), (SELECT val FROM t WHERE id = 5) FROM t" "100|a" \
    gsql -c "CREATE VIEW active AS SELECT * FROM t WHERE val IS NOT NULL" -c "UPDATE active SET val = 'a' WHERE id = 5"
dg_runs "B DELETE WHERE id = id + 0 AND id < 5" "SELECT count(*), min(id) FROM t" "96|5" \
    gsql -c "DELETE FROM t WHERE id = id + 0 AND id < 5"
dg_runs "B queue drain DELETE FROM jobs WHERE done" "SELECT count(*), count(*) FILTER (WHERE done) FROM jobs" "20|0" \
    gsql -c "DELETE FROM jobs WHERE done"
dg_runs "B DELETE WHERE val IS NOT NULL (nullable)" "SELECT count(*), count(*) FILTER (WHERE val IS NULL) FROM t" "10|10" \
    gsql -c "DELETE FROM t WHERE val IS NOT NULL"
# The 9 rows the UPDATE wrote share its transaction id; the other 91 keep the fixture's.
dg_runs "B UPDATE SET val = val WHERE id < 10" \
    "SELECT count(*), count(*) FILTER (WHERE xmin = (SELECT xmin FROM t WHERE id = 1)) FROM t" "100|9" \
    gsql -c "UPDATE t SET val = val WHERE id < 10"
dg_runs "B EXPLAIN (ANALYZE on, ANALYZE off) DELETE deletes nothing" "SELECT count(*) FROM t" "100" \
    gsql -c "EXPLAIN (ANALYZE on, ANALYZE off) DELETE FROM t"
dg_runs "B EXPLAIN DELETE deletes nothing" "SELECT count(*) FROM t" "100" \
    gsql -c "EXPLAIN DELETE FROM t"

# --- B: pgbench, on a database of its own
dg_admin -c "DROP DATABASE IF EXISTS $dg_bench_db" -c "CREATE DATABASE $dg_bench_db" >/dev/null 2>&1
PGOPTIONS="-c migsafe.mode=off" psql -X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$dg_bench_db" \
    -c "CREATE EXTENSION migsafe" >/dev/null
dg_bench() { pgbench -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres "$@" "$dg_bench_db"; }
dg_bench_count() {
    psql -X -q -At -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$dg_bench_db" \
        -c "SELECT count(*) FROM pgbench_accounts" 2>&1
}

# pgbench -i on a fresh database, guarded: its TRUNCATE of the tables it has
# just created, in an earlier transaction, finds them empty (no page).
out=$(dg_bench -i -s 1 -q 2>&1)
status=$?
if [ $status -eq 0 ] && ! grep -Eq 'MS001|migsafe blocked' <<<"$out" && [ "$(dg_bench_count)" = 100000 ]; then
    pass "B pgbench -i guarded: initialises a fresh database"
else
    fail "B pgbench -i guarded: initialises a fresh database" "refused or failed (exit $status), must run" \
        "$(tail -c 1500 <<<"$out")"
fi

# pgbench -i again on the same database: its DROP TABLE IF EXISTS of the
# four tables finds three holding rows (pgbench_history has none: a review
# WARNING) and is refused; the tables are untouched.
out=$(dg_bench -i -s 1 -q 2>&1)
status=$?
if [ $status -ne 0 ] && grep -q 'migsafe review: drop-table on pgbench_history' <<<"$out" &&
    grep -q 'migsafe blocked drop-table on pgbench_accounts and 2 more' <<<"$out" && [ "$(dg_bench_count)" = 100000 ]; then
    pass "A9 pgbench -i a second time, guarded: refused (the tables hold rows), nothing dropped"
else
    fail "A9 pgbench -i a second time, guarded: refused (the tables hold rows), nothing dropped" "exit $status" \
        "$(tail -c 1500 <<<"$out")"
fi

out=$(PGOPTIONS="-c migsafe.mode=off" dg_bench -i -s 1 -q 2>&1)
if [ $? -ne 0 ] || [ "$(dg_bench_count)" != 100000 ]; then
    fail "B pgbench -i with the guard off (set-up of the runs below)" "$(tail -c 1500 <<<"$out")"
fi
dg_bench_seconds=${MIGSAFE_DML_PGBENCH_SECONDS:-3}
for dg_builtin in select-only simple-update tpcb-like; do
    for dg_mode in simple extended prepared; do
        name="B pgbench -b $dg_builtin -M $dg_mode: no refusal, no failed transaction"
        out=$(dg_bench -n -T "$dg_bench_seconds" -c 2 -M "$dg_mode" -b "$dg_builtin" 2>&1)
        status=$?
        processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\)$/\1/p' <<<"$out")
        if [ $status -eq 0 ] && ! grep -Eq 'MS001|migsafe blocked' <<<"$out" &&
            grep -q '^number of failed transactions: 0 ' <<<"$out" && [ "${processed:-0}" -gt 0 ]; then
            pass "$name"
        else
            fail "$name" "exit $status" "$(tail -c 1500 <<<"$out")"
        fi
    done
done

dg_admin -c "DROP DATABASE IF EXISTS $dg_bench_db" -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
DB=$dg_saved_db
