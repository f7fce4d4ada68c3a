# A user's journey with real migration clients: a Prisma-style migration
# directory applied like `prisma migrate deploy`, and sqitch. A dangerous
# migration is refused, approved by a DBA, applied, audited. Sourced by run.

export PGHOST=$MIGSAFE_CLUSTER_DIR PGPORT=$PORT PGUSER=postgres PGDATABASE=$DB
migrations=$here/prisma/migrations

# CI first: the offline check flags the migration the database will refuse.
"$MIGSAFE_CLI" check "$migrations" >"$WORK/ci.out" 2>&1
status=$?
if [ $status -eq 1 ] && grep -q 'drop-column' "$WORK/ci.out"; then
    pass "migsafe check flags the drop-column migration in CI"
else
    fail "migsafe check flags the drop-column migration in CI" "exit $status" "$(cat "$WORK/ci.out")"
fi

"$here/prisma/deploy" "$migrations" >"$WORK/deploy1.out" 2>&1
status=$?
if [ $status -ne 0 ] && grep -q 'MS001: migsafe blocked drop-column on "User"."legacyId"' "$WORK/deploy1.out" &&
    grep -q 'backfill-without-where' "$WORK/deploy1.out"; then
    pass "prisma-style deploy: the first migrations apply, the drop-column one is refused"
else
    fail "prisma-style deploy: the first migrations apply, the drop-column one is refused" "$(cat "$WORK/deploy1.out")"
fi
expect_equal "the refused migration changed nothing" "2|legacyId" \
    "$(setup_sql -c "SELECT (SELECT count(*) FROM _prisma_migrations), string_agg(attname, ',') FROM pg_attribute WHERE attrelid = '\"User\"'::regclass AND attname = 'legacyId'")"

setup_sql -c "SELECT migsafe_approve('20261124000000_drop_legacy_id', 'legacyId unused since v3 (TICKET-42)', '30 minutes', ARRAY['\"User\"'])" >/dev/null
PGOPTIONS='-c migsafe.approved_migration=20261124000000_drop_legacy_id' "$here/prisma/deploy" "$migrations" >"$WORK/deploy2.out" 2>&1
status=$?
if [ $status -eq 0 ] && grep -q 'Applying migration `20261124000000_drop_legacy_id`' "$WORK/deploy2.out"; then
    pass "prisma-style deploy: applied once approved"
else
    fail "prisma-style deploy: applied once approved" "$(cat "$WORK/deploy2.out")"
fi
expect_equal "the approved migration is audited" \
    'ALTER TABLE "User" DROP COLUMN "legacyId"|{drop-column}|approved|20261124000000_drop_legacy_id' \
    "$(setup_sql -c "SELECT statement, rules, outcome, approval FROM migsafe.audit_log WHERE approval = '20261124000000_drop_legacy_id'")"

# sqitch (Debian's package), which deploys each change with psql.
if command -v sqitch >/dev/null; then
    export SQITCH_FULLNAME="migsafe test" SQITCH_EMAIL="test@migsafe.invalid"
    project=$WORK/sqitch
    mkdir -p "$project" && cd "$project"
    {
        sqitch init journey --engine pg --target "db:pg:$DB" &&
        sqitch add orders -n 'orders table' &&
        sqitch add drop_orders_note -n 'drop the note column'
    } >"$WORK/sqitch-init.out" 2>&1
    printf 'BEGIN;\nCREATE TABLE orders (id int PRIMARY KEY, note text);\nINSERT INTO orders VALUES (1, %s);\nCOMMIT;\n' "'x'" >deploy/orders.sql
    printf 'BEGIN;\nDROP TABLE orders;\nCOMMIT;\n' >revert/orders.sql
    printf 'BEGIN;\nALTER TABLE orders DROP COLUMN note;\nCOMMIT;\n' >deploy/drop_orders_note.sql
    sqitch deploy --to orders >"$WORK/sqitch1.out" 2>&1 || fail "sqitch deploys the first change" "$(cat "$WORK/sqitch1.out")"
    if sqitch deploy >"$WORK/sqitch2.out" 2>&1; then
        fail "sqitch: the drop-column change is refused" "$(cat "$WORK/sqitch2.out")"
    elif grep -q 'migsafe blocked drop-column on orders.note' "$WORK/sqitch2.out"; then
        pass "sqitch: the drop-column change is refused"
    else
        fail "sqitch: the drop-column change is refused" "$(cat "$WORK/sqitch2.out")"
    fi
    setup_sql -c "SELECT migsafe_approve('sqitch_drop_orders_note', 'note moved to order_notes', '30 minutes', ARRAY['orders'])" >/dev/null
    if PGOPTIONS='-c migsafe.approved_migration=sqitch_drop_orders_note' sqitch deploy >"$WORK/sqitch3.out" 2>&1; then
        pass "sqitch: applied once approved"
    else
        fail "sqitch: applied once approved" "$(cat "$WORK/sqitch3.out")"
    fi
    expect_equal "sqitch's change is audited" "{drop-column}|{orders.note}|approved" \
        "$(setup_sql -c "SELECT rules, objects, outcome FROM migsafe.audit_log WHERE approval = 'sqitch_drop_orders_note'")"
    cd "$here"
else
    fail "sqitch is installed (scripts/install-deps)"
fi
unset PGHOST PGPORT PGUSER PGDATABASE
