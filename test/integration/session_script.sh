# The session is the script (src/extension/session_objects.hpp): what a
# session created in its earlier transactions is new for its next
# statements, and nothing another session did can borrow that.
#
# A. Other sessions (each a psql of its own, started from the session under
#    test with \!), refused with the rows checked intact:
#   A1  a row another session committed into the session's table
#   A2  a row another session inserted and had not committed when the
#       statement started (it waits for it, then refuses)
#   A3  another session dropped the session's table and made one of the
#       same name
#   A4  a column the session added in a savepoint it rolled back: another
#       session adds a column that gets the same number
#   A5  (a documented limit, pinned) values another session wrote into a
#       column the session added are overwritten by its backfill: review,
#       it runs
#   A6  a plan cached while the table was the session's (PREPARE, a
#       PL/pgSQL function), run after another session wrote a row
# B. One file, three ways: every migration of the shared Prisma corpus
#    applied to a fresh database per project as one multi-statement query
#    (Prisma's native engine), in one transaction (psql -1), and statement
#    by statement (Prisma's driver adapters, psql -f), in warn mode: the
#    verdicts (rule and object of every WARNING) per file must be the same
#    three times. A file PostgreSQL itself refuses one of the ways (CREATE
#    or DROP INDEX CONCURRENTLY in a transaction block) is counted apart,
#    and applied statement by statement where it was refused, so that the
#    three databases stay alike for the next file.
# Sourced by run.

ss_saved_db=$DB
DB=migsafe_session_script
ss_dir=$WORK/session_script
mkdir -p "$ss_dir"
[ "$(id -u)" = 0 ] && chown postgres: "$ss_dir"
ss_admin() { PGOPTIONS="-c migsafe.mode=off" psql -X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d postgres "$@"; }
ss_admin -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null 2>&1
setup_sql -c "CREATE EXTENSION migsafe" >/dev/null

# The other session: psql on the same database.
ss_other="psql -X -q -h $MIGSAFE_CLUSTER_DIR -p $PORT -U postgres -d $DB"

# ss_session SCRIPT: the session under test runs SCRIPT (enforce mode, the
# window on, errors do not stop it).
ss_session() {
    sql -v VERBOSITY=verbose -v ON_ERROR_STOP=0 -c "SET migsafe.session_script_window = '10min'" -f - <<<"$1" 2>&1
}

# ss_refused NAME EXPECTED_ROWS QUERY_FOR_ROWS SCRIPT: a statement of
# SCRIPT is refused with MS001, and QUERY_FOR_ROWS then prints EXPECTED_ROWS.
ss_refused() {
    local name=$1 expected=$2 query=$3 out rows
    out=$(ss_session "$4")
    rows=$(setup_sql -c "$query" 2>&1)
    if ! grep -q MS001 <<<"$out"; then
        fail "$name" "nothing was refused" "$(tail -c 1500 <<<"$out")"
    elif [ "$rows" != "$expected" ]; then
        fail "$name" "refused, but the rows changed: expected $expected, got $rows"
    else
        pass "$name"
    fi
}

setup_sql -c "DROP TABLE IF EXISTS a1, a2, a3, a4, a5, a6, a7" -c "DROP FUNCTION IF EXISTS wipe_a7()" >/dev/null 2>&1
ss_refused "A1 a row another session committed: TRUNCATE, DELETE, UPDATE and DROP refused" "1:1 2:99" \
    "SELECT string_agg(id || ':' || note, ' ' ORDER BY id) FROM a1" "
CREATE TABLE a1 (id int, note text);
INSERT INTO a1 VALUES (1, '1');
\\! $ss_other -c \"INSERT INTO a1 VALUES (2, '99')\"
TRUNCATE a1;
DELETE FROM a1;
UPDATE a1 SET note = 'x';
DROP TABLE a1;"

ss_refused "A2 a row inserted by a transaction still open: waits for it, then refused" "1 2" \
    "SELECT string_agg(id::text, ' ' ORDER BY id) FROM a2" "
CREATE TABLE a2 (id int);
INSERT INTO a2 VALUES (1);
\\! $ss_other -c 'BEGIN' -c 'INSERT INTO a2 VALUES (2)' -c 'SELECT pg_sleep(2)' -c 'COMMIT' >/dev/null &
SELECT pg_sleep(0.5);
TRUNCATE a2;"

ss_refused "A3 dropped by another session and made again under the same name" "7" \
    "SELECT string_agg(id::text, ' ') FROM a3" "
CREATE TABLE a3 (id int);
\\! PGOPTIONS='-c migsafe.mode=off' $ss_other -c 'DROP TABLE a3' -c 'CREATE TABLE a3 (id int)' -c 'INSERT INTO a3 VALUES (7)'
DROP TABLE a3;"

setup_sql -c "CREATE TABLE a4 (id int, note text)" -c "INSERT INTO a4 VALUES (1, 'kept')" >/dev/null
ss_refused "A4 a column rolled back, its number reused by another session's column" "1:kept:theirs" \
    "SELECT string_agg(id || ':' || note || ':' || theirs, ' ') FROM a4" "
BEGIN;
SAVEPOINT s;
ALTER TABLE a4 ADD COLUMN mine text;
ROLLBACK TO SAVEPOINT s;
COMMIT;
\\! $ss_other -c 'ALTER TABLE a4 ADD COLUMN theirs text' -c \"UPDATE a4 SET theirs = 'theirs'\"
UPDATE a4 SET theirs = 'mine';"

setup_sql -c "CREATE TABLE a5 (id int)" -c "INSERT INTO a5 VALUES (1), (2)" >/dev/null
out=$(ss_session "
ALTER TABLE a5 ADD COLUMN label text;
\\! $ss_other -c \"UPDATE a5 SET label = 'theirs' WHERE id = 2\"
UPDATE a5 SET label = 'backfilled';")
rows=$(setup_sql -c "SELECT string_agg(id || ':' || label, ' ' ORDER BY id) FROM a5")
if grep -q "backfill-without-where" <<<"$out" && [ "$rows" = "1:backfilled 2:backfilled" ]; then
    pass "A5 (documented limit) a backfill overwrites what another session wrote into the new column"
else
    fail "A5 (documented limit) a backfill overwrites what another session wrote into the new column" "$out" "$rows"
fi

ss_refused "A6 a prepared DELETE of the session's table, run after another session wrote a row" "1 2" \
    "SELECT string_agg(id::text, ' ' ORDER BY id) FROM a6" "
CREATE TABLE a6 (id int);
INSERT INTO a6 VALUES (1);
PREPARE wipe AS DELETE FROM a6;
\\! $ss_other -c 'INSERT INTO a6 VALUES (2)'
EXECUTE wipe;"

ss_refused "A6 a PL/pgSQL function's DELETE of the session's table, run after another session wrote a row" "1 2" \
    "SELECT string_agg(id::text, ' ' ORDER BY id) FROM a7" "
CREATE TABLE a7 (id int);
INSERT INTO a7 VALUES (1);
CREATE FUNCTION wipe_a7() RETURNS void LANGUAGE plpgsql AS 'BEGIN DELETE FROM a7; END';
SELECT wipe_a7();
INSERT INTO a7 VALUES (1);
\\! $ss_other -c 'INSERT INTO a7 VALUES (2)'
SELECT wipe_a7();"

# ---- B. one file, three ways ---------------------------------------------

# ss_verdicts DATABASE MODE FILE: the file's WARNINGs (rule and object),
# sorted, and a last line "ERROR" if PostgreSQL refused a statement.
ss_verdicts() {
    local database=$1 mode=$2 file=$3 out
    local -a psql_args=(-X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$database")
    export PGOPTIONS="-c migsafe.mode=warn -c migsafe.review_action=warn -c client_min_messages=warning"
    case $mode in  # psql itself, not Debian's wrapper: 3 900 runs
    query) out=$("$PG_BINDIR/psql" "${psql_args[@]}" -c "$(cat "$file")" 2>&1) ;;
    transaction) out=$("$PG_BINDIR/psql" "${psql_args[@]}" -1 -f "$file" 2>&1) ;;
    statements) out=$("$PG_BINDIR/psql" "${psql_args[@]}" -f "$file" 2>&1) ;;
    esac
    unset PGOPTIONS
    grep -oE 'migsafe (review: |would block )[a-z-]+ on [^ ]+( and [0-9]+ more)?' <<<"$out" |
        sed -E 's/^migsafe (review: |would block )//' | sort
    if grep -q 'ERROR:' <<<"$out"; then echo ERROR; fi
}

# ss_apply DATABASE FILE: the file, statement by statement, unguarded.
ss_apply() {
    PGOPTIONS="-c migsafe.mode=off -c client_min_messages=error" \
        "$PG_BINDIR/psql" -X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$1" -f "$2" >/dev/null 2>&1
}

ss_modes="query transaction statements"
ss_corpus=${MIGSAFE_CORPUS:-$here/../../../shared/corpus}/prisma
ss_files=0 ss_same=0 ss_refused_by_postgres=0 ss_differ=()
for project_dir in "$ss_corpus"/*/; do
    project=$(basename "$project_dir")
    for mode in $ss_modes; do
        ss_admin -c "DROP DATABASE IF EXISTS ${DB}_$mode" -c "CREATE DATABASE ${DB}_$mode" >/dev/null 2>&1
    done
    for file in "$project_dir"*.sql; do
        ss_files=$((ss_files + 1))
        for mode in $ss_modes; do ss_verdicts "${DB}_$mode" $mode "$file" >"$ss_dir/$mode.txt" & done
        wait
        if grep -q '^ERROR$' "$ss_dir"/{query,transaction,statements}.txt; then
            ss_refused_by_postgres=$((ss_refused_by_postgres + 1))
            for mode in query transaction; do  # atomic: nothing of it ran there
                grep -q '^ERROR$' "$ss_dir/$mode.txt" && ss_apply "${DB}_$mode" "$file"
            done
            continue
        fi
        if cmp -s "$ss_dir/query.txt" "$ss_dir/transaction.txt" && cmp -s "$ss_dir/query.txt" "$ss_dir/statements.txt"; then
            ss_same=$((ss_same + 1))
        else
            name="$project/$(basename "$file")"
            ss_differ+=("$name")
            { echo "== $name: query vs statements"; diff "$ss_dir/query.txt" "$ss_dir/statements.txt"
              echo "== $name: query vs transaction"; diff "$ss_dir/query.txt" "$ss_dir/transaction.txt"; } >>"$ss_dir/differences.txt"
        fi
    done
done
ss_compared=$((ss_files - ss_refused_by_postgres))
ss_summary="$ss_same of $ss_compared files with the same verdicts ($ss_refused_by_postgres of $ss_files refused by PostgreSQL one of the ways)"
echo "one file, three ways: $ss_summary"
if [ "${#ss_differ[@]}" -eq 0 ] && [ "$ss_compared" -gt 1000 ]; then
    pass "B the Prisma corpus as one query, one transaction, statement by statement: $ss_summary"
else
    fail "B the Prisma corpus as one query, one transaction, statement by statement: $ss_summary" \
        "${ss_differ[@]}" "$(head -c 3000 "$ss_dir/differences.txt" 2>/dev/null)"
fi

for mode in $ss_modes; do ss_admin -c "DROP DATABASE IF EXISTS ${DB}_$mode" >/dev/null 2>&1; done
DB=$ss_saved_db
