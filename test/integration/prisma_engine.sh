# Prisma's own migration engine against the guarded server: prisma 6.19's
# CLI with its WebAssembly engine and the pg driver adapter (no native
# engine, nothing downloaded but the npm packages), `npx prisma migrate
# deploy` and `migrate resolve` run for real. What Prisma prints at each step
# is kept in this log (lines "    | "). The engine part runs beside the
# journey and backfill parts, each on a database and project of its own.
#   engine:   a protected model; its migration is refused (Prisma's error, the
#             SQLSTATE in the server log, the failed row in _prisma_migrations,
#             P3009 on the next deploy, the table's rows and values intact),
#             recorded as rolled back, approved (PGOPTIONS), applied, audited;
#             a migration refused after its first statement committed (this
#             path sends one statement at a time), finished by hand under an
#             approval and recorded with `migrate resolve --applied`.
#   journey:  docs/prisma.md as written, with only the connection substituted:
#             migsafe check --database after a real deploy (only the new
#             migration; an edited applied one is an error),
#             migsafe check in CI, deploy refused, resolve, migsafe_approve,
#             DATABASE_URL's options, the audit row, a release under a window.
#   backfill: ADD COLUMN then UPDATE it in one migration applies on a table
#             with rows; CREATE INDEX CONCURRENTLY beside other statements
#             in a file applies.
# The packages come from test/integration/prisma-engine/install (npm, cached
# outside the tree); without them the suite fails, it never skips. Each
# Prisma command has a time limit (MIGSAFE_PRISMA_TIMEOUT, 120 s). Sourced by
# run.

pe_src=$here/prisma-engine
pe_root=$(cd "$here/../.." && pwd)
pe_work=$WORK/prisma_engine
pe_timeout=${MIGSAFE_PRISMA_TIMEOUT:-120}
mkdir -p "$pe_work"
# No update check or telemetry call: the machine reaches no Prisma server.
export CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1

# pe_admin [psql args...]: the postgres database, guard off.
pe_admin() {
    PGOPTIONS="-c migsafe.mode=off -c client_min_messages=warning" \
        psql -X -q -At -v ON_ERROR_STOP=1 -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d postgres "$@"
}
# pe_sql DB [psql args...]: a suite database, guard off (set-up and checks).
pe_sql() {
    local db=$1; shift
    PGOPTIONS="-c migsafe.mode=off" psql -X -q -At -v ON_ERROR_STOP=1 -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$db" "$@"
}
# pe_url DB: the connection URL Prisma gets (the cluster's socket directory).
pe_url() { echo "postgresql://postgres@localhost:$PORT/$1?host=$MIGSAFE_CLUSTER_DIR"; }

# pe_project DIR MIGRATION...: a Prisma project (config, schema, the
# installed packages) whose prisma/migrations holds these migrations.
pe_project() {
    local dir=$1; shift
    mkdir -p "$dir/prisma/migrations"
    cp "$pe_src/prisma.config.ts" "$pe_src/package.json" "$dir/"
    cp "$pe_src/prisma/schema.prisma" "$dir/prisma/"
    cp "$pe_src/migrations/migration_lock.toml" "$dir/prisma/migrations/"
    ln -sfn "$pe_modules" "$dir/node_modules"
    pe_add "$dir" "$@"
}
# pe_add DIR MIGRATION...: the developer commits more migrations.
pe_add() {
    local dir=$1; shift
    local name
    for name in "$@"; do cp -r "$pe_src/migrations/$name" "$dir/prisma/migrations/"; done
}

# pe_run STEP DIR COMMAND...: runs COMMAND (npx prisma ..., with its
# environment) in the project DIR under the time limit; its output goes to
# $pe_work/STEP.out and to this log; pe_status and pe_out hold the exit
# status and output.
pe_run() {
    local step=$1 dir=$2; shift 2
    local started=$SECONDS
    pe_step=$step
    (cd "$dir" && timeout -k 10 "$pe_timeout" "$@") >"$pe_work/$step.out" 2>&1 </dev/null
    pe_status=$?
    pe_out=$(cat "$pe_work/$step.out")
    local shown="$*"
    echo "    [$step] ${shown//$'\n'/ } (exit $pe_status, $((SECONDS - started)) s)"
    sed 's/^/    | /' "$pe_work/$step.out"
    [ "$pe_status" -eq 124 ] || [ "$pe_status" -eq 137 ] && echo "    [$step] timed out after $pe_timeout s"
}
# pe_expect NAME STATUS PATTERN...: the last pe_run exited with STATUS and
# printed every PATTERN (grep -F).
pe_expect() {
    local name=$1 status=$2; shift 2
    local pattern missing=()
    for pattern in "$@"; do grep -qF -- "$pattern" <<<"$pe_out" || missing+=("$pattern"); done
    if [ "$pe_status" -eq "$status" ] && [ ${#missing[@]} -eq 0 ]; then
        pass "$name"
    else
        fail "$name" "exit $pe_status (expected $status)" "${missing[@]/#/missing: }" "output: $pe_work/$pe_step.out"
    fi
}
# pe_fresh_db DB: a new database with migsafe.
pe_fresh_db() {
    pe_admin -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" &&
        pe_sql "$1" -c "CREATE EXTENSION migsafe"
}
# pe_doc LANG TEXT: the first LANG code block of docs/prisma.md that
# contains TEXT (also one indented in a list item). The journey runs the
# doc's own commands: when the doc changes, the test runs what it now says.
pe_doc() {
    awk -v open="^ *\`\`\`$1\$" -v text="$2" '
        $0 ~ open { inside = 1; block = ""; next }
        inside && /^ *```$/ { inside = 0; if (index(block, text)) { printf "%s", block; exit } next }
        inside { block = block $0 "\n" }' "$pe_root/docs/prisma.md"
}
# pe_doc_url DB: substitutes the doc's connection (postgresql://app@db/prod?)
# with the test database's, on standard input.
pe_doc_url() { sed "s#postgresql://app@db/prod?#$(pe_url "$1")\&#"; }
# pe_dba DB SQL: the DBA's SQL, as a superuser with the guard on.
pe_dba() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$1" -c "$2"; }

# pe_rolled_back STEP DIR DB MIGRATION: `npx prisma migrate resolve
# --rolled-back MIGRATION`, as docs/prisma.md says. Prisma 6.19 checks the
# connection with its native engine first, even with a driver adapter, and
# this install has none (--ignore-scripts): the command stops there, and the
# record it would make is made with the doc's SQL for this case.
pe_rolled_back() {
    local step=$1 dir=$2 db=$3 migration=$4
    local command record
    command=$(pe_doc sh "migrate resolve --rolled-back" | sed "s/20261124000000_drop_legacy_id/$migration/")
    record=$(pe_doc sql '"rolled_back_at" = now()' | sed "s/20261124000000_drop_legacy_id/$migration/")
    if [ -z "$command" ] || [ -z "$record" ]; then
        fail "$step: docs/prisma.md has the resolve command and its SQL"
        return
    fi
    pe_run "$step" "$dir" env DATABASE_URL="$(pe_url "$db")" bash -c "$command"
    if [ "$pe_status" -eq 0 ] && grep -qF "Migration $migration marked as rolled back." <<<"$pe_out"; then
        pass "$step: prisma migrate resolve --rolled-back $migration"
    elif [ "$pe_status" -eq 1 ] && grep -qF "Could not find schema-engine binary" <<<"$pe_out"; then
        pass "$step: prisma migrate resolve --rolled-back stops at its native-engine check (Prisma 6.19)"
        expect_ok "$step: the doc's SQL records the roll-back instead (guard on)" pe_dba "$db" "$record"
    else
        fail "$step: prisma migrate resolve --rolled-back $migration" "exit $pe_status" "output: $pe_work/$step.out"
    fi
    expect_equal "$step: $migration is recorded as failed and rolled back" "1" \
        "$(pe_sql "$db" -c "SELECT count(*) FROM _prisma_migrations WHERE migration_name = '$migration'
                            AND finished_at IS NULL AND rolled_back_at IS NOT NULL AND applied_steps_count = 0")"
}

# The packages. Without them nothing below can run: one failure, loud.
if ! pe_modules=$("$pe_src/install" 2>"$pe_work/npm.log" | tail -1) || [ ! -x "$pe_modules/.bin/prisma" ]; then
    mapfile -t pe_npm_lines < <(grep -E '^install:|npm error (code|errno|syscall|network|request|[A-Z])' "$pe_work/npm.log" | head -12)
    fail "npm packages of prisma_engine installed (prisma, @prisma/adapter-pg; needs the npm registry once)" \
        "${pe_npm_lines[@]}"
    return 0
fi
pass "npm packages: prisma $(sed -nE 's/^ *"version": "([^"]+)".*/\1/p' "$pe_modules/prisma/package.json" | head -1) from $pe_modules"

# engine: a protected model, refused, resolved, approved, applied, audited;
# a refusal after a committed statement.
pe_engine_part() {
    local pe_db=migsafe_prisma_engine pe_dir=$pe_work/engine pe_log_start pe_skills
    pe_fresh_db "$pe_db" >/dev/null || fail "engine: database $pe_db created"
    # The server log gives the SQLSTATE for this database's errors: Prisma's
    # output on this path has the message, not the code.
    pe_sql "$pe_db" -c "ALTER DATABASE $pe_db SET log_error_verbosity = verbose" >/dev/null
    pe_project "$pe_dir" 20261101000000_init
    pe_run engine-deploy-init "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" npx prisma migrate deploy
    pe_expect "engine-deploy-init: the first migration applies" 0 \
        'using driver adapter "@prisma/adapter-pg"' "20261101000000_init" "All migrations have been successfully applied."

    # The DBA protects the skill catalogue; the developer's next migration adds
    # a column to it.
    pe_sql "$pe_db" -c "SELECT migsafe_protect('\"Skill\"', 'the skill catalogue')" >/dev/null
    pe_add "$pe_dir" 20261201000000_skill_level
    pe_log_start=$(stat -c %s "$MIGSAFE_CLUSTER_DIR/server.log")
    pe_run engine-deploy-refused "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" npx prisma migrate deploy
    pe_expect "engine-deploy-refused: prisma stops at the protected table's migration with migsafe's error" 1 \
        "Error: external connector error" \
        'Error querying the database: ERROR: migsafe blocked protected-table on "Skill"' \
        'Not allowed: migsafe.approved_migration is not set, no approved script holds this statement and no open maintenance window covers it (a protected table' \
        'Statement: ALTER TABLE "Skill" ADD COLUMN "level" INTEGER' \
        "HINT: A DBA approves it with SELECT migsafe_approve(" \
        'with migration_name="20261201000000_skill_level"'
    if tail -c +"$((pe_log_start + 1))" "$MIGSAFE_CLUSTER_DIR/server.log" | grep -q 'ERROR:  MS001: migsafe blocked protected-table on "Skill"'; then
        pass "engine: the refusal is SQLSTATE MS001 (server log)"
    else
        fail "engine: the refusal is SQLSTATE MS001 (server log)" "$(tail -c +"$((pe_log_start + 1))" "$MIGSAFE_CLUSTER_DIR/server.log" | grep -m3 ERROR)"
    fi
    expect_equal "engine: _prisma_migrations records the migration as failed, with migsafe's message" \
        "20261101000000_init|t|0|1|f 20261201000000_skill_level|f|0|0|t" \
        "$(pe_sql "$pe_db" -c "SELECT string_agg(concat_ws('|', migration_name, finished_at IS NOT NULL, (rolled_back_at IS NOT NULL)::int,
                                                           applied_steps_count, coalesce(logs LIKE '%migsafe blocked protected-table on \"Skill\"%', false)),
                                                 ' ' ORDER BY started_at)
                               FROM _prisma_migrations")"
    pe_skills="1|PostgreSQL|2|Prisma"
    expect_equal "engine: the refused migration changed nothing (Skill's rows and columns)" "$pe_skills|id,name" \
        "$(pe_sql "$pe_db" -c "SELECT string_agg(id || '|' || name, '|' ORDER BY id) FROM \"Skill\"" | tr -d '\n')|$(pe_sql "$pe_db" -c "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '\"Skill\"'::regclass AND attnum > 0 AND NOT attisdropped")"

    pe_run engine-deploy-blocked "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" npx prisma migrate deploy
    pe_expect "engine-deploy-blocked: the next deploy refuses to go on (P3009)" 1 \
        "Error: P3009" "migrate found failed migrations in the target database, new migrations will not be applied." \
        'The `20261201000000_skill_level` migration started at'

    pe_rolled_back engine-resolve "$pe_dir" "$pe_db" 20261201000000_skill_level

    # The DBA approves it for the protected table; the deploy names the
    # approval in PGOPTIONS, which node-postgres (the adapter's driver) reads.
    pe_sql "$pe_db" -c "SELECT migsafe_approve('20261201000000_skill_level', 'skill levels for matching (CHG-81)', '30 minutes', ARRAY['\"Skill\"'])" >/dev/null
    pe_run engine-deploy-approved "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" \
        PGOPTIONS="-c migsafe.approved_migration=20261201000000_skill_level" npx prisma migrate deploy
    pe_expect "engine-deploy-approved: applied once approved (PGOPTIONS)" 0 \
        "20261201000000_skill_level" "All migrations have been successfully applied."
    expect_equal "engine: the column is there, the rows as they were" "$pe_skills|id,name,level" \
        "$(pe_sql "$pe_db" -c "SELECT string_agg(id || '|' || name, '|' ORDER BY id) FROM \"Skill\"" | tr -d '\n')|$(pe_sql "$pe_db" -c "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '\"Skill\"'::regclass AND attnum > 0 AND NOT attisdropped")"
    expect_equal "engine: the approved statement is audited" \
        'ALTER TABLE "Skill" ADD COLUMN "level" INTEGER|{protected-table}|{"\"Skill\""}|approved|20261201000000_skill_level' \
        "$(pe_sql "$pe_db" -c "SELECT statement, rules, objects, outcome, approval FROM migsafe.audit_log WHERE approval = '20261201000000_skill_level'")"

    # One statement at a time: a migration refused at its second statement keeps
    # what its first one did. It is finished by hand under an approval and
    # recorded as applied.
    pe_sql "$pe_db" -c "UPDATE \"Skill\" SET \"level\" = id + 2 WHERE id IN (1, 2)" >/dev/null
    pe_add "$pe_dir" 20261205000000_tag_drop_skill_level
    pe_run engine-deploy-partial "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" npx prisma migrate deploy
    pe_expect "engine-deploy-partial: refused at its second statement" 1 \
        'ERROR: migsafe blocked drop-column on "Skill".level and 1 more' 'protected-table on "Skill"' \
        'Statement: ALTER TABLE "Skill" DROP COLUMN "level"' 'with migration_name="20261205000000_tag_drop_skill_level"'
    expect_equal "engine: the first statement committed (Tag exists), Skill's values are intact, the migration failed" \
        "Tag|1|PostgreSQL|3|2|Prisma|4|20261205000000_tag_drop_skill_level|0" \
        "$(pe_sql "$pe_db" -c "SELECT to_regclass('\"Tag\"')" -c "SELECT string_agg(id || '|' || name || '|' || level, '|' ORDER BY id) FROM \"Skill\"" \
            -c "SELECT migration_name, applied_steps_count FROM _prisma_migrations WHERE finished_at IS NULL AND rolled_back_at IS NULL" | tr '\n' '|' | sed 's/"//g; s/|$//')"
    pe_sql "$pe_db" -c "SELECT migsafe_approve('20261205000000_tag_drop_skill_level', 'levels moved to the matching service (CHG-85)', '30 minutes', ARRAY['\"Skill\"'])" >/dev/null
    expect_ok "engine: the rest of the migration, by hand under its approval" \
        env PGOPTIONS="-c migsafe.approved_migration=20261205000000_tag_drop_skill_level" \
        psql -X -q -v ON_ERROR_STOP=1 "$(pe_url "$pe_db")" -c 'ALTER TABLE "Skill" DROP COLUMN "level"'
    pe_run engine-resolve-applied "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" \
        npx prisma migrate resolve --applied 20261205000000_tag_drop_skill_level
    pe_expect "engine-resolve-applied: prisma migrate resolve --applied records it" 0 \
        "Migration 20261205000000_tag_drop_skill_level marked as applied."
    pe_run engine-status "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" npx prisma migrate status
    pe_expect "engine-status: prisma sees the history complete" 0 "Database schema is up to date!"

    # Approval by content: the reviewed file itself is approved (migsafe
    # approve prints the call, the DBA runs it), and the deploy runs with
    # nothing but its usual DATABASE_URL. The next, unreviewed migration
    # stays refused.
    local reviewed=20261210000000_drop_post_draft unreviewed=20261211000000_drop_user_avatar
    pe_add "$pe_dir" "$reviewed"
    pe_run engine-approve "$pe_dir" "$MIGSAFE_CLI" approve --reason "draft flag unused since 4.1 (PR 118)" \
        "prisma/migrations/$reviewed/migration.sql"
    pe_expect "engine-approve: migsafe approve prints the call, with the file's SHA-256 and findings" 0 \
        "-- SHA-256 $(sha256sum "$pe_dir/prisma/migrations/$reviewed/migration.sql" | cut -d' ' -f1)" \
        'dangerous drop-column on "Post".draft' 'SELECT * FROM migsafe_approve_script('
    cp "$pe_work/engine-approve.out" "$pe_work/approve.sql"
    expect_ok "engine: the DBA runs the printed call (psql -f)" \
        psql -X -q -v ON_ERROR_STOP=1 "$(pe_url "$pe_db")" -f "$pe_work/approve.sql"
    pe_run engine-deploy-script "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" npx prisma migrate deploy
    pe_expect "engine-deploy-script: the approved file applies with no setting on the deploy" 0 \
        "$reviewed" "All migrations have been successfully applied."
    expect_equal "engine: the audit row carries the script's SHA-256, which is Prisma's checksum" \
        'ALTER TABLE "Post" DROP COLUMN "draft"|approved||t' \
        "$(pe_sql "$pe_db" -c "SELECT a.statement, a.outcome, a.approval, a.script_sha256 = m.checksum
                               FROM migsafe.audit_log a, _prisma_migrations m
                               WHERE a.script_approval IS NOT NULL AND m.migration_name = '$reviewed'")"
    pe_add "$pe_dir" "$unreviewed"
    pe_run engine-deploy-unreviewed "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" npx prisma migrate deploy
    pe_expect "engine-deploy-unreviewed: the next file, not approved, is refused" 1 \
        'migsafe blocked drop-column on "User"."avatarUrl"' "with migration_name=\"$unreviewed\""
    echo "engine part done"
}

# journey: docs/prisma.md as written (its code blocks, run with only the
# connection substituted); then the backfill on its database.
pe_journey_part() {
    local pe_db=migsafe_prisma_journey pe_dir=$pe_work/journey
    local approve deploy window check
    pe_fresh_db "$pe_db" >/dev/null || fail "journey: database $pe_db created"
    # The application as deployed so far, in a deploy of its own: one deploy
    # is one session, and what a session created counts as new in it.
    pe_project "$pe_dir" 20261101000000_init
    pe_run journey-deploy-init "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" npx prisma migrate deploy
    pe_expect "journey-deploy-init: the first migration applies" 0 "20261101000000_init" "All migrations have been successfully applied."
    pe_add "$pe_dir" 20261124000000_drop_legacy_id

    # Against the database Prisma deployed to: only the new migration is
    # checked; an applied file edited since is an error.
    pe_run journey-check-database "$pe_dir" "$MIGSAFE_CLI" check --database "$(pe_url "$pe_db")" prisma/migrations
    pe_expect "journey-check-database: only the migration not yet deployed is checked" 1 \
        "1 applied in the database (skipped: 20261101000000_init), 1 to check" \
        "prisma/migrations/20261124000000_drop_legacy_id/migration.sql" "dangerous[drop-column]" "1 file(s) checked"
    cp -r "$pe_dir/prisma" "$pe_work/journey-edited"
    echo "-- edited" >>"$pe_work/journey-edited/migrations/20261101000000_init/migration.sql"
    pe_run journey-check-edited "$pe_work" "$MIGSAFE_CLI" check --database "$(pe_url "$pe_db")" journey-edited/migrations
    pe_expect "journey-check-edited: an applied migration edited since is an error" 2 \
        "migration 20261101000000_init was edited after it was applied"

    # In CI: the doc's `migsafe check --strict prisma/migrations`.
    check=$(pe_doc sh "migsafe check --strict prisma/migrations" | grep -m1 -F "migsafe check --strict prisma/migrations")
    mkdir -p "$pe_work/bin" && ln -sf "$MIGSAFE_CLI" "$pe_work/bin/migsafe"
    PATH="$pe_work/bin:$PATH" pe_run journey-ci "$pe_dir" bash -c "$check"
    pe_expect "journey-ci: migsafe check --strict flags the drop-column migration" 1 \
        "prisma/migrations/20261124000000_drop_legacy_id/migration.sql" "dangerous[drop-column]"

    pe_run journey-deploy-refused "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" npx prisma migrate deploy
    pe_expect "journey-deploy-refused: drop_legacy_id is refused" 1 \
        'ERROR: migsafe blocked drop-column on "User"."legacyId"' 'with migration_name="20261124000000_drop_legacy_id"'
    expect_equal "journey: the refused migration changed nothing (User's rows, legacyId's values)" \
        "1|ada@example.com|Ada|L-1 2|grace@example.com|Grace|L-2" \
        "$(pe_sql "$pe_db" -c "SELECT string_agg(id || '|' || email || '|' || name || '|' || \"legacyId\", ' ' ORDER BY id) FROM \"User\"")"
    pe_run journey-deploy-blocked "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" npx prisma migrate deploy
    pe_expect "journey-deploy-blocked: the next deploy stops (P3009)" 1 "Error: P3009" \
        'The `20261124000000_drop_legacy_id` migration started at'

    pe_rolled_back journey-resolve "$pe_dir" "$pe_db" 20261124000000_drop_legacy_id

    # The DBA's approval and the deploy's DATABASE_URL, from the doc.
    approve=$(pe_doc sql "migsafe_approve('20261124000000_drop_legacy_id'")
    deploy=$(pe_doc sh "migsafe.approved_migration%3D20261124000000_drop_legacy_id" | pe_doc_url "$pe_db")
    if [ -n "$approve" ] && [ -n "$deploy" ]; then
        expect_ok "journey: the doc's migsafe_approve" pe_dba "$pe_db" "$approve"
        pe_run journey-deploy-approved "$pe_dir" bash -c "$deploy"
        pe_expect "journey-deploy-approved: DATABASE_URL's options names the approval, the migration applies" 0 \
            "20261124000000_drop_legacy_id" "All migrations have been successfully applied."
    else
        fail "journey: docs/prisma.md has the approval and the approved deploy"
    fi
    expect_equal "journey: the approved statement is in migsafe.audit_log" \
        'ALTER TABLE "User" DROP COLUMN "legacyId"|{drop-column}|approved|20261124000000_drop_legacy_id' \
        "$(pe_sql "$pe_db" -c "SELECT statement, rules, outcome, approval FROM migsafe.audit_log")"
    if pe_dba "$pe_db" "SELECT * FROM migsafe.audit_log" | grep -qF 'ALTER TABLE "User" DROP COLUMN "legacyId"'; then
        pass "journey: SELECT * FROM migsafe.audit_log shows it"
    else
        fail "journey: SELECT * FROM migsafe.audit_log shows it"
    fi

    # A release of several migrations under the doc's window for its objects.
    pe_add "$pe_dir" 20261210000000_drop_post_draft 20261211000000_drop_user_avatar
    window=$(pe_doc sql "migsafe_open_window('30 minutes', 'release 4.2")
    if [ -n "$window" ]; then
        expect_ok "journey: the doc's migsafe_open_window" pe_dba "$pe_db" "$window"
    else
        fail "journey: docs/prisma.md has the release's window"
    fi
    pe_run journey-deploy-window "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" npx prisma migrate deploy
    pe_expect "journey-deploy-window: the release's migrations apply in the window" 0 \
        "20261210000000_drop_post_draft" "20261211000000_drop_user_avatar" "All migrations have been successfully applied."
    pe_sql "$pe_db" -c "SELECT migsafe_close_window()" >/dev/null
    # The adapter sends the statements one by one, but on one connection: one
    # session, whose earlier statements the later ones can count on.
    expect_equal "journey: the release's statements ran in one session" "2|1" \
        "$(pe_sql "$pe_db" -c "SELECT count(*), count(DISTINCT backend_pid) FROM migsafe.audit_log WHERE outcome = 'window'")"
    expect_equal "journey: the window's statements are audited" \
        'ALTER TABLE "Post" DROP COLUMN "draft"|window ALTER TABLE "User" DROP COLUMN "avatarUrl"|window' \
        "$(pe_sql "$pe_db" -c "SELECT string_agg(statement || '|' || outcome, ' ' ORDER BY id) FROM migsafe.audit_log WHERE outcome = 'window'")"

    # The next release: a file with CREATE INDEX CONCURRENTLY among other
    # statements, which runs on this path (no transaction block around it);
    # and the backfill, an everyday migration on a table with rows (review
    # severity, not a refusal).
    pe_add "$pe_dir" 20261212000000_post_title_index 20261215000000_display_name
    pe_run backfill-deploy "$pe_dir" env DATABASE_URL="$(pe_url "$pe_db")" npx prisma migrate deploy
    expect_equal "backfill-deploy: CREATE INDEX CONCURRENTLY in a file with other statements applies (valid index)" \
        "t|1" \
        "$(pe_sql "$pe_db" -c "SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('\"Post_title_idx\"')),
                                      (SELECT count(*) FROM _prisma_migrations
                                       WHERE migration_name = '20261212000000_post_title_index' AND finished_at IS NOT NULL)")"
    pe_expect "backfill-deploy: ADD COLUMN then UPDATE it applies (a backfill is reviewed, not refused)" 0 \
        "20261212000000_post_title_index" "20261215000000_display_name" "All migrations have been successfully applied."
    expect_equal "backfill: every row has its displayName" "1|Ada|Ada 2|Grace|Grace" \
        "$(pe_sql "$pe_db" -c "SELECT string_agg(id || '|' || name || '|' || coalesce(\"displayName\", '<null>'), ' ' ORDER BY id) FROM \"User\"" 2>&1)"
    echo "journey part done"
}

# The two parts on databases and projects of their own, side by side: most
# of a Prisma command's time is its wait before it exits. Each part's
# results are counted from its log, in order, once both are done.
pe_engine_part >"$pe_work/engine.log" 2>&1 &
pe_engine_pid=$!
pe_journey_part >"$pe_work/journey.log" 2>&1 &
pe_journey_pid=$!
wait "$pe_engine_pid" "$pe_journey_pid"
for pe_part in engine journey; do
    echo "    --- $pe_part"
    cat "$pe_work/$pe_part.log"
    passed=$((passed + $(grep -c '^ok   - ' "$pe_work/$pe_part.log")))
    failed=$((failed + $(grep -c '^FAIL - ' "$pe_work/$pe_part.log")))
    grep -q "^$pe_part part done$" "$pe_work/$pe_part.log" || fail "the $pe_part part ran to its end"
done
pe_admin -c "DROP DATABASE migsafe_prisma_engine" -c "DROP DATABASE migsafe_prisma_journey" >/dev/null
unset CHECKPOINT_DISABLE PRISMA_HIDE_UPDATE_MESSAGE
