# `migsafe check --database URL prisma/migrations`: only the migrations
# _prisma_migrations does not list are checked, against the live database,
# with each finding's table size and rows. Two databases: one with the
# extension (the server's own verdicts), one without (as a managed database
# looks: the offline classifier refined by catalog queries); both must agree.
# _prisma_migrations is created with Prisma's own DDL and filled with the
# files' real checksums, so that no Node.js is needed. Sourced by run.

cd_work=$WORK/check_database
cd_migrations=$cd_work/prisma/migrations
mkdir -p "$cd_work"

# cd_sql DB [psql args...]: a suite database as the superuser, guard off.
cd_sql() {
    local db=$1; shift
    PGOPTIONS="-c migsafe.mode=off -c client_min_messages=warning" psql -X -q -At -v ON_ERROR_STOP=1 \
        -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$db" "$@"
}
cd_url() { echo "postgresql://${2:-postgres}@localhost:$PORT/$1?host=$MIGSAFE_CLUSTER_DIR${3:-}"; }
# cd_check NAME DB [migsafe args...]: runs the check; output in $cd_work/NAME.out, .err, status in cd_status.
cd_check() {
    local name=$1 db=$2; shift 2
    "$MIGSAFE_CLI" check --database "$(cd_url "$db")" "$@" >"$cd_work/$name.out" 2>"$cd_work/$name.err"
    cd_status=$?
}
# cd_expect NAME STATUS PATTERN...: the last cd_check's status and output (stdout and stderr).
cd_expect() {
    local name=$1 status=$2; shift 2
    local missing=() pattern
    for pattern in "$@"; do
        grep -qF -- "$pattern" "$cd_work/$name.out" "$cd_work/$name.err" || missing+=("$pattern")
    done
    if [ "$cd_status" -eq "$status" ] && [ ${#missing[@]} -eq 0 ]; then
        pass "check --database: $name"
    else
        fail "check --database: $name" "exit $cd_status (expected $status)" "${missing[@]/#/missing: }" \
            "$(cat "$cd_work/$name.out" "$cd_work/$name.err" | head -40)"
    fi
}

cd_migration() {  # NAME SQL
    mkdir -p "$cd_migrations/$1"
    printf '%s\n' "$2" >"$cd_migrations/$1/migration.sql"
}
cd_migration 20260101000000_init 'CREATE TABLE "Event" (id bigint PRIMARY KEY, title varchar(50), n integer, note text, legacy text,
    "authorId" bigint, "editorId" bigint, CONSTRAINT "Event_note_present" CHECK (note IS NOT NULL));
CREATE INDEX "Event_authorId_idx" ON "Event" ("authorId");
CREATE TABLE "Author" (id bigint PRIMARY KEY);
CREATE TABLE "Audit" (id integer);'
cd_migration 20260102000000_drop_audit 'DROP TABLE "Audit";'
cd_migration 20260103000000_event_changes 'ALTER TABLE "Event" ALTER COLUMN title TYPE varchar(100);
ALTER TABLE "Event" ALTER COLUMN n TYPE bigint;
ALTER TABLE "Event" ALTER COLUMN note SET NOT NULL;
ALTER TABLE "Event" DROP COLUMN legacy;'
cd_migration 20260104000000_tags 'CREATE TABLE "Tag" (id integer);
ALTER TABLE "Tag" ADD COLUMN name text NOT NULL;'
# foreign-key-without-index: the index the database already has counts.
cd_migration 20260105000000_event_authors '-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Author"("id") NOT VALID;
ALTER TABLE "Event" ADD CONSTRAINT "Event_editorId_fkey" FOREIGN KEY ("editorId") REFERENCES "Author"("id") NOT VALID;'
printf 'provider = "postgresql"\n' >"$cd_migrations/migration_lock.toml"

# Prisma's _prisma_migrations, and the first two migrations applied as
# `prisma migrate deploy` records them.
cd_prisma_table='CREATE TABLE _prisma_migrations (id varchar(36) PRIMARY KEY NOT NULL, checksum varchar(64) NOT NULL,
    finished_at timestamptz, migration_name varchar(255) NOT NULL, logs text, rolled_back_at timestamptz,
    started_at timestamptz NOT NULL DEFAULT now(), applied_steps_count integer NOT NULL DEFAULT 0)'
cd_record() {  # DB MIGRATION [finished_at]
    local sum
    sum=$(sha256sum "$cd_migrations/$2/migration.sql" | cut -d' ' -f1)
    cd_sql "$1" -c "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count)
        VALUES (gen_random_uuid(), '$sum', ${3:-now()}, '$2', 1)"
}
for cd_db in cd_ext cd_plain; do
    PGOPTIONS="-c migsafe.mode=off" psql -X -q -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d postgres \
        -c "DROP DATABASE IF EXISTS $cd_db" -c "CREATE DATABASE $cd_db" >/dev/null 2>&1
    [ $cd_db = cd_ext ] && cd_sql $cd_db -c "CREATE EXTENSION migsafe"
    cd_sql $cd_db -c "$cd_prisma_table"
    for cd_m in 20260101000000_init 20260102000000_drop_audit; do
        cd_sql $cd_db -f "$cd_migrations/$cd_m/migration.sql" && cd_record $cd_db $cd_m
    done
    cd_sql $cd_db -c "INSERT INTO \"Event\" SELECT g, 'event ' || g, g, 'note', 'x' FROM generate_series(1, 300000) g" \
        -c 'ANALYZE "Event"'
done

# The pending migrations only, with the table's size and rows.
for cd_db in cd_ext cd_plain; do
    cd_check "$cd_db-text" $cd_db "$cd_migrations"
    cd_expect "$cd_db-text" 1 "2 applied in the database (skipped: 20260101000000_init, 20260102000000_drop_audit), 3 to check" \
        "20260103000000_event_changes/migration.sql:2:" "20260103000000_event_changes/migration.sql:4:" \
        'public."Event": ' '~300 k rows)' "3 file(s) checked"
    if grep -q 'drop-table\|Audit' "$cd_work/$cd_db-text.out"; then
        fail "check --database: $cd_db: the applied DROP TABLE is not reported" "$(cat "$cd_work/$cd_db-text.out")"
    else
        pass "check --database: $cd_db: the applied DROP TABLE is not reported"
    fi
done
grep -q 'by the database.s migsafe' "$cd_work/cd_ext-text.err" && grep -q 'migsafe is not installed there' "$cd_work/cd_plain-text.err" &&
    pass "check --database: with the extension its verdicts, without it the catalog's" ||
    fail "check --database: with the extension its verdicts, without it the catalog's" "$(cat "$cd_work"/cd_*-text.err)"
# The test cluster archives no WAL: both say point-in-time recovery is not
# possible (the extension's migsafe_recovery(), or pg_stat_archiver).
for cd_db in cd_ext cd_plain; do
    if grep -q '^migsafe: point-in-time recovery: not possible: WAL archiving is off (archive_mode = off)' \
        "$cd_work/$cd_db-text.err"; then
        pass "check --database: $cd_db: says point-in-time recovery is not possible"
    else
        fail "check --database: $cd_db: says point-in-time recovery is not possible" "$(cat "$cd_work/$cd_db-text.err")"
    fi
done

# The live column types and the validated CHECK refine the verdicts as
# migsafe_check() does in the database: varchar(50) to varchar(100) and the
# proven SET NOT NULL are not flagged, integer to bigint is; the new table
# of the pending migrations has no size.
for cd_db in cd_ext cd_plain; do
    cd_check "$cd_db-json" $cd_db --format json "$cd_migrations"
    python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
for f in doc["files"]:
    for x in f["findings"]:
        print(f["migration"], x["line"], x["rule"], x["severity"], x["relation"] or "-", "size" if x["relation_size"] else "nosize")
' "$cd_work/$cd_db-json.out" >"$cd_work/$cd_db.findings" 2>&1 || echo "invalid JSON" >>"$cd_work/$cd_db.findings"
done
expect_equal "check --database: the same findings with and without the extension" \
    "$(cat "$cd_work/cd_ext.findings")" "$(cat "$cd_work/cd_plain.findings")"
expect_equal "check --database: refined by the live catalog (lines 2 and 4 only; the new table has no size)" \
    "20260103000000_event_changes 2 alter-column-type review public.\"Event\" size
20260103000000_event_changes 4 drop-column dangerous public.\"Event\" size" \
    "$(grep -v '^20260104000000_tags .* - nosize$\|^20260105000000_event_authors ' "$cd_work/cd_plain.findings")"
expect_equal "check --database: a foreign key on a column the database indexes is no finding, on another it is" \
    '20260105000000_event_authors 3 foreign-key-without-index review public."Event" size' \
    "$(grep '^20260105000000_event_authors ' "$cd_work/cd_plain.findings")"
cd_sql cd_ext -At -c "SELECT line, rule FROM migsafe_check(pg_read_file('$cd_migrations/20260103000000_event_changes/migration.sql'))" \
    >"$cd_work/server.findings" 2>&1
expect_equal "check --database: the same as migsafe_check() in the database" "2|alter-column-type
4|drop-column" "$(cat "$cd_work/server.findings")"

cd_check plain-sarif cd_plain --format sarif "$cd_migrations"
cd_check plain-github cd_plain --format github "$cd_migrations"
python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
r = doc["runs"][0]["results"]
assert r and all("relation_size" in x["properties"] for x in r), r
' "$cd_work/plain-sarif.out" 2>"$cd_work/sarif.err" && pass "check --database: SARIF parses, with relation_size" ||
    fail "check --database: SARIF parses, with relation_size" "$(cat "$cd_work/sarif.err")"
cd_expect plain-github 1 '::error file=' '(public."Event": '

# A role that may only connect and read _prisma_migrations: nothing this
# check does writes, or needs more.
cd_sql postgres -c "DROP ROLE IF EXISTS cd_reader" -c "CREATE ROLE cd_reader LOGIN" 2>/dev/null
for cd_db in cd_ext cd_plain; do
    cd_sql $cd_db -c "REVOKE ALL ON DATABASE $cd_db FROM PUBLIC" -c "GRANT CONNECT ON DATABASE $cd_db TO cd_reader" \
        -c "GRANT SELECT ON _prisma_migrations TO cd_reader"
    "$MIGSAFE_CLI" check --database "$(cd_url $cd_db cd_reader)" "$cd_migrations" >"$cd_work/$cd_db-reader.out" 2>"$cd_work/$cd_db-reader.err"
    cd_status=$?
    cd_expect "$cd_db-reader" 1 "3 to check" "20260103000000_event_changes/migration.sql:4:" '~300 k rows)'
done

# Errors, exit status 2.
"$MIGSAFE_CLI" check --database "postgresql://postgres:s3cret@127.0.0.1:1/cd_plain" "$cd_migrations" >"$cd_work/closed.out" 2>"$cd_work/closed.err"
cd_status=$?
cd_expect closed 2 "cannot connect to postgresql://postgres:***@127.0.0.1:1/cd_plain"
grep -q s3cret "$cd_work/closed.err" && fail "check --database: the password is never printed" "$(cat "$cd_work/closed.err")" ||
    pass "check --database: the password is never printed"

cd_sql cd_plain -c "CREATE SCHEMA failing" -c "SET search_path = failing" -c "$cd_prisma_table"
cd_sql cd_plain -c "SET search_path = failing" -c "INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('1', 'x', '20260101000000_init')"
"$MIGSAFE_CLI" check --database "$(cd_url cd_plain postgres '&schema=nowhere')" "$cd_migrations" >"$cd_work/missing-table.out" 2>"$cd_work/missing-table.err"
cd_status=$?
cd_expect missing-table 2 'no _prisma_migrations table in schema "nowhere"' "nothing was ever deployed with Prisma here"
"$MIGSAFE_CLI" check --database "$(cd_url cd_plain postgres '&schema=failing')" "$cd_migrations" >"$cd_work/failed.out" 2>"$cd_work/failed.err"
cd_status=$?
cd_expect failed 2 "migration 20260101000000_init failed in this database" "npx prisma migrate resolve --rolled-back 20260101000000_init"

cp -r "$cd_work/prisma" "$cd_work/gone" && rm -r "$cd_work/gone/migrations/20260102000000_drop_audit"
cd_check gone cd_plain "$cd_work/gone/migrations"
cd_expect gone 2 "20260102000000_drop_audit is applied in the database but its directory is missing"
cp -r "$cd_work/prisma" "$cd_work/edited" && echo '-- edited' >>"$cd_work/edited/migrations/20260101000000_init/migration.sql"
cd_check edited cd_plain "$cd_work/edited/migrations"
cd_expect edited 2 "20260101000000_init was edited after it was applied"
mkdir -p "$cd_work/plain" && cp "$cd_migrations/20260103000000_event_changes/migration.sql" "$cd_work/plain/changes.sql"
cd_check layout cd_plain "$cd_work/plain"
cd_expect layout 2 "--database reads Prisma's layout, prisma/migrations/<name>/migration.sql"
cd_check stdin cd_plain -
cd_expect stdin 2 "--database reads Prisma's layout"
