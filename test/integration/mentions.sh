# "Who still uses it?": refusals and runs of DROP COLUMN, DROP TABLE and
# RENAME COLUMN say what pg_stat_statements still mentions of the table or
# column, counted by the server's parser: application queries that name
# the column count, a query the grammar rejects once normalized counts by
# its text only, and near misses do not (a table whose name starts with the
# same letters, a column note2 beside note). A role that cannot read other
# roles' texts is told so; a database without pg_stat_statements, and a
# failure to read it, say nothing and change no verdict. The cluster
# preloads pg_stat_statements (test/cluster.sh callers). Sourced by run.

mn_admin() { PGOPTIONS="-c migsafe.mode=off -c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 \
    -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres "$@"; }
# mn_refusal [psql args...]: what a refused statement prints, verbosely.
mn_refusal() { sql -v VERBOSITY=verbose "$@" 2>&1; }
# The one line of the output that starts the sentence, without the time
# PostgreSQL 17's pg_stat_statements adds (mn_since checks it).
mn_since_pattern=', the oldest of them counted since [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} UTC'
mn_line() { grep -o 'pg_stat_statements mentions .*' <<<"$1" | sed -E "s/$mn_since_pattern//"; }
# Checks that pg_stat_statements must not record: they name the table too.
mn_unrecorded() { PGOPTIONS="-c migsafe.mode=off -c pg_stat_statements.track=none" sql "$@"; }
mn_rows() { mn_unrecorded -c "SELECT count(*) || ':' || coalesce(sum(id), 0) || ':' || md5(string_agg(note, ',' ORDER BY id)) FROM mn_orders"; }

mn_admin -d postgres -c "DROP ROLE IF EXISTS mn_app" -c "CREATE ROLE mn_app LOGIN"
setup_sql >/dev/null <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE TABLE mn_orders (id int PRIMARY KEY, note text, note2 text, total int);
INSERT INTO mn_orders SELECT g, 'n' || g, 'm', g FROM generate_series(1, 100) g;
CREATE TABLE mn_orders_archive (id int, note2 text);
INSERT INTO mn_orders_archive VALUES (1, 'old');
CREATE TABLE mn_quiet (id int, memo text);
INSERT INTO mn_quiet VALUES (1, 'q');
CREATE TABLE mn_owned (id int, flag text);
INSERT INTO mn_owned VALUES (1, 'f');
ALTER TABLE mn_owned OWNER TO mn_app;
SELECT migsafe_approve('mn_drop_total', 'integration: mentions', '1 hour', ARRAY['mn_orders']);
SELECT pg_stat_statements_reset();
SQL

# The application's queries, as pg_stat_statements records them.
sql >/dev/null <<'SQL'
SELECT id, note FROM mn_orders WHERE id = 1;
SELECT id, note FROM mn_orders WHERE id = 2;
SELECT id, note FROM mn_orders WHERE id = 3;
UPDATE mn_orders SET note = 'changed' WHERE id = 2;
INSERT INTO mn_orders (id, note) VALUES (1001, 'new');
SELECT count(*) FROM mn_orders;
SELECT note2 FROM mn_orders_archive WHERE id = 1;
SELECT id, note2 FROM mn_orders WHERE id = 1;
SELECT interval '1 day', note FROM mn_orders WHERE id = 3;
SELECT sum(total) FROM mn_orders;
SELECT flag FROM mn_owned;
SQL
psql -X -q -At -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U mn_app -d "$DB" \
    -c "SELECT id, flag FROM mn_owned WHERE id = 1" >/dev/null

# ---- a refused DROP COLUMN -----------------------------------------------------
rows_before=$(mn_rows)
out=$(mn_refusal -c "ALTER TABLE mn_orders DROP COLUMN note")
mn_note_line=$(mn_line "$out")
expect_equal "the refusal's DETAIL counts the statements that name the column, by the parser, and the one only its text names" \
    'pg_stat_statements mentions "public"."mn_orders"."note" in 3 recorded statements (5 calls) and 1 more by text only (1 call), e.g.: SELECT id, note FROM mn_orders WHERE id = $1' \
    "$mn_note_line"
# stats_since (pg_stat_statements 1.11, PostgreSQL 17): when the oldest
# mentioning entry began being counted; no such column, no such words.
if [ "$(mn_unrecorded -c "SELECT count(*) FROM pg_attribute WHERE attrelid = 'pg_stat_statements'::regclass
                           AND attname = 'stats_since'")" = 1 ]; then
    mn_since_expected="the view's stats_since: when the oldest mentioning entry began being counted"
    grep -qE "in 3 recorded statements \(5 calls\) and 1 more by text only \(1 call\)$mn_since_pattern, e\.g\.: " <<<"$out"
else
    mn_since_expected="no stats_since in this version's view: no time is given"
    ! grep -q 'counted since' <<<"$out"
fi && pass "$mn_since_expected" || fail "$mn_since_expected" "$out"
if grep -q 'MS001' <<<"$out" && grep -A1 '^DETAIL:  drop-column on mn_orders.note:' <<<"$out" | grep -q 'pg_stat_statements mentions'; then
    pass "the sentence follows the finding's line in the refusal (MS001)"
else
    fail "the sentence follows the finding's line in the refusal (MS001)" "$out"
fi
expect_equal "the refused DROP COLUMN left the column and the rows" "1|$rows_before" \
    "$(mn_unrecorded -c "SELECT count(*) FROM pg_attribute WHERE attrelid = 'mn_orders'::regclass AND attname = 'note' AND NOT attisdropped")|$(mn_rows)"

out=$(mn_refusal -c "DROP TABLE mn_orders")
expect_equal "DROP TABLE: every statement that reads or writes the table, not mn_orders_archive's" \
    'pg_stat_statements mentions "public"."mn_orders" in 6 recorded statements (8 calls) and 1 more by text only (1 call), e.g.: SELECT id, note FROM mn_orders WHERE id = $1' \
    "$(mn_line "$out")"
out=$(mn_refusal -c "ALTER TABLE mn_quiet DROP COLUMN memo")
if [[ "$(mn_line "$out")" =~ ^'pg_stat_statements mentions "public"."mn_quiet"."memo" in no recorded statement ('[0-9,]+' recorded in this database).'$ ]]; then
    pass "a column no statement names: in no recorded statement, and how many are recorded"
else
    fail "a column no statement names: in no recorded statement, and how many are recorded" "$out"
fi
out=$(mn_refusal -c "TRUNCATE mn_orders")
if grep -q MS001 <<<"$out" && ! grep -q 'pg_stat_statements' <<<"$out"; then
    pass "a refusal by another rule (truncate) reads nothing of pg_stat_statements"
else
    fail "a refusal by another rule (truncate) reads nothing of pg_stat_statements" "$out"
fi

# ---- statements that run: a warning, a notice ------------------------------------
# From here on, pg_stat_statements also records these statements (a refused
# one it never records): each is one more text that names the table.
out=$(sql -c "BEGIN" -c "ALTER TABLE mn_orders RENAME COLUMN note TO memo" -c "ROLLBACK" 2>&1)
if grep -q 'WARNING:  migsafe review: rename-column on mn_orders.note' <<<"$out" &&
    [ "$(mn_line "$out")" = "$mn_note_line" ]; then
    pass "a rename that runs with a review warning carries the same sentence"
else
    fail "a rename that runs with a review warning carries the same sentence" "$out"
fi
out=$(PGOPTIONS="-c migsafe.mode=warn" sql -c "BEGIN" -c "ALTER TABLE mn_orders DROP COLUMN note" -c "ROLLBACK" 2>&1)
if grep -q 'WARNING:  migsafe would block drop-column on mn_orders.note' <<<"$out" &&
    grep -q 'in 3 recorded statements (5 calls)' <<<"$out"; then
    pass "warn mode: the warning's DETAIL carries the sentence"
else
    fail "warn mode: the warning's DETAIL carries the sentence" "$out"
fi
out=$(PGOPTIONS="-c migsafe.approved_migration=mn_drop_total" sql -c "ALTER TABLE mn_orders DROP COLUMN total" 2>&1)
expect_equal "an approved DROP COLUMN runs, and a NOTICE says what still mentions the column" \
    'NOTICE:  migsafe: pg_stat_statements mentions "public"."mn_orders"."total" in 1 recorded statement (1 call), e.g.: SELECT sum(total) FROM mn_orders' \
    "$(sed -E "s/$mn_since_pattern//" <<<"$out")"

# ---- privileges: another role's texts ------------------------------------------------
out=$(psql -X -q -v VERBOSITY=verbose -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U mn_app -d "$DB" \
    -c "ALTER TABLE mn_owned DROP COLUMN flag" 2>&1)
expect_equal "a role without pg_read_all_stats counts its own texts and is told the others are hidden" \
    'pg_stat_statements mentions "public"."mn_owned"."flag" in 1 recorded statement (1 call) (query texts of other roles are hidden from this role), e.g.: SELECT id, flag FROM mn_owned WHERE id = $1' \
    "$(mn_line "$out")"
expect_equal "the superuser counts both roles' texts" \
    'pg_stat_statements mentions "public"."mn_owned"."flag" in 2 recorded statements (2 calls), e.g.:' \
    "$(mn_line "$(mn_refusal -c "ALTER TABLE mn_owned DROP COLUMN flag")" | sed 's/e\.g\.: .*/e.g.:/')"

# A role that may not read the view: the refusal stands, the approved
# statement runs, nothing is said, the server log has the reason.
mn_log_lines() {
    grep -c 'migsafe could not read pg_stat_statements: permission denied for view pg_stat_statements' \
        "$MIGSAFE_CLUSTER_DIR/server.log"
}
log_before=$(mn_log_lines)
setup_sql -c "REVOKE SELECT ON pg_stat_statements FROM PUBLIC"
out=$(psql -X -q -v VERBOSITY=verbose -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U mn_app -d "$DB" \
    -c "ALTER TABLE mn_owned DROP COLUMN flag" 2>&1)
if grep -q MS001 <<<"$out" && ! grep -q 'pg_stat_statements' <<<"$out"; then
    pass "pg_stat_statements unreadable to the role: the refusal stands, without the sentence"
else
    fail "pg_stat_statements unreadable to the role: the refusal stands, without the sentence" "$out"
fi
setup_sql >/dev/null -c "SELECT migsafe_approve('mn_drop_flag', 'integration: mentions', '1 hour', ARRAY['mn_owned'])"
out=$(PGOPTIONS="-c migsafe.approved_migration=mn_drop_flag" psql -X -q -At -v ON_ERROR_STOP=1 -h "$MIGSAFE_CLUSTER_DIR" \
    -p "$PORT" -U mn_app -d "$DB" -c "BEGIN" -c "ALTER TABLE mn_owned DROP COLUMN flag" -c "SELECT count(*) FROM mn_owned" \
    -c "COMMIT" 2>&1)
expect_equal "pg_stat_statements unreadable to the role: the approved statement runs in an intact transaction, silently" \
    "1" "$out"
expect_equal "the reason is in the server log only" "$((log_before + 2))" "$(mn_log_lines)"
setup_sql -c "GRANT SELECT ON pg_stat_statements TO PUBLIC"

# ---- other databases ----------------------------------------------------------------
mn_db=migsafe_integration_mentions
mn_admin -d postgres -c "DROP DATABASE IF EXISTS $mn_db" -c "CREATE DATABASE $mn_db"
mn_admin -d "$mn_db" -c "CREATE EXTENSION migsafe" -c "CREATE TABLE mn_orders (id int, note text)" \
    -c "INSERT INTO mn_orders VALUES (1, 'n')"
out=$(psql -X -q -v VERBOSITY=verbose -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$mn_db" \
    -c "ALTER TABLE mn_orders DROP COLUMN note" 2>&1)
if grep -q MS001 <<<"$out" && ! grep -q 'pg_stat_statements' <<<"$out"; then
    pass "a database without pg_stat_statements installed: the refusal says nothing of it"
else
    fail "a database without pg_stat_statements installed: the refusal says nothing of it" "$out"
fi
# Its own CREATE TABLE would count by its text: forget this database's entries.
mn_admin -d "$mn_db" -c "CREATE EXTENSION pg_stat_statements" \
    -c "SELECT pg_stat_statements_reset(0, oid, 0) FROM pg_database WHERE datname = current_database()" >/dev/null
out=$(psql -X -q -v VERBOSITY=verbose -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$mn_db" \
    -c "ALTER TABLE mn_orders DROP COLUMN note" 2>&1)
if [[ "$(mn_line "$out")" == 'pg_stat_statements mentions "public"."mn_orders"."note" in no recorded statement ('* ]]; then
    pass "installed there too: another database's statements on a table of the same name do not count"
else
    fail "installed there too: another database's statements on a table of the same name do not count" "$out"
fi
mn_admin -d postgres -c "DROP DATABASE $mn_db"

# The suites after this one find the database as it was.
setup_sql -c "DROP TABLE mn_owned" -c "DROP TABLE mn_orders, mn_orders_archive, mn_quiet" \
    -c "DROP EXTENSION pg_stat_statements"
mn_admin -d postgres -c "DROP ROLE mn_app"
