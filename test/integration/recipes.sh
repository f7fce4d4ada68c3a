# Our own recipes pass our own guard: every safe alternative in
# docs/rules/*.md, run step by step as its page says against the guard
# (enforce mode, review findings as WARNINGs), on tables that hold rows, in a
# database of its own. No step may be refused; each case lists the review
# WARNINGs the recipe gets (they are fine: the page says so) and checks the
# data afterwards. A step of SQL the page shows is checked to be on the page
# as written (white space aside); a step the page only describes in words is
# marked `prose`. Sourced by run.
#
# How a step runs, as the page says:
#   statements  psql -f: each statement in a transaction of its own (unless
#               the SQL itself has BEGIN ... COMMIT), as a script run by psql
#   migration   one multi-statement query, one implicit transaction, as
#               `prisma migrate deploy` sends a migration.sql
#   batches     statements, again until it reports UPDATE 0 / DELETE 0

recipes_db=migsafe_recipes
recipes_pages=$here/../../docs/rules
recipes_tablespace_dir=$MIGSAFE_CLUSTER_DIR/recipes_tablespace

recipe_psql() {  # DATABASE [psql args...]
    local database=$1; shift
    psql -X -v ON_ERROR_STOP=1 -v VERBOSITY=terse -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres -d "$database" "$@"
}
# SQL with the guard off: set-up and checks.
recipe_setup() { PGOPTIONS="-c migsafe.mode=off" recipe_psql "$recipes_db" -q -At "$@"; }

recipe_cleanup() {  # what a recipe may leave outside its database
    PGOPTIONS="-c migsafe.mode=off" recipe_psql postgres -q -c "DROP DATABASE IF EXISTS $recipes_db" \
        -c "DROP DATABASE IF EXISTS shop_old" -c "DROP TABLESPACE IF EXISTS recipes_archive" \
        -c "DROP ROLE IF EXISTS legacy_app" -c "DROP ROLE IF EXISTS app_owner" >/dev/null 2>&1
}

# begin_recipe PAGE SETUP_SQL: a fresh database with migsafe, the set-up run
# with the guard off.
begin_recipe() {
    recipe_page=$1 recipe_failures=() recipe_log=$WORK/recipe-$1.log
    : >"$recipe_log"
    recipe_cleanup
    PGOPTIONS="-c migsafe.mode=off" recipe_psql postgres -q -c "CREATE DATABASE $recipes_db" >/dev/null ||
        recipe_failures+=("could not create the database")
    recipe_setup -c "CREATE EXTENSION migsafe" -c "$2" >/dev/null 2>>"$recipe_log" ||
        recipe_failures+=("set-up failed: $(tail -3 "$recipe_log")")
}

# The page's text with every run of white space made one space.
page_text() { tr -s '[:space:]' ' ' <"$recipes_pages/$1.md"; }

# recipe_step MODE SQL [PGOPTIONS] [prose]: one step, guarded; a refusal or
# any other error fails the recipe.
recipe_step() {
    local mode=$1 sql=$2 options=${3:-} prose=${4:-} out status
    if [ "$prose" != prose ]; then
        local wanted
        wanted=$(printf '%s' "$sql" | tr -s '[:space:]' ' ' | sed 's/^ //; s/ $//')
        [[ "$(page_text "$recipe_page")" == *"$wanted"* ]] ||
            recipe_failures+=("not on docs/rules/$recipe_page.md as written: $sql")
    fi
    case $mode in
        statements | batches)
            out=$(printf '%s\n' "$sql" | PGOPTIONS="-c migsafe.review_action=warn $options" \
                recipe_psql "$recipes_db" -f - 2>&1) ;;
        migration)
            out=$(PGOPTIONS="-c migsafe.review_action=warn $options" recipe_psql "$recipes_db" -c "$sql" 2>&1) ;;
    esac
    status=$?
    printf '%s\n' "--- $mode${options:+ ($options)}: $sql" "$out" >>"$recipe_log"
    if [ $status -ne 0 ]; then
        recipe_failures+=("refused or failed: $sql" "$(grep -E 'ERROR' <<<"$out" | head -3)")
        return 1
    fi
    if [ "$mode" = batches ] && ! grep -qE '^(UPDATE|DELETE) 0$' <<<"$out"; then
        local round
        for round in $(seq 2 50); do
            recipe_step statements "$sql" "$options" prose || return 1
            grep -qE '^(UPDATE|DELETE) 0$' <(tail -2 "$recipe_log") && return 0
        done
        recipe_failures+=("the batches never reached 0 rows: $sql")
    fi
}

# end_recipe NAME EXPECTED_REVIEWS CHECK_SQL EXPECTED: no step refused, the
# review WARNINGs ("rule on object; ...", sorted) and the check's answer.
end_recipe() {
    local name=$1 reviews
    reviews=$(grep -oE 'migsafe review: [a-z-]+ on .*' "$recipe_log" | sed 's/^migsafe review: //' | sort -u |
        paste -sd ';' | sed 's/;/; /g')
    [ "$reviews" = "$2" ] || recipe_failures+=("review WARNINGs: expected [$2], got [$reviews]")
    local checked
    checked=$(recipe_setup -c "$3" 2>&1)
    [ "$checked" = "$4" ] || recipe_failures+=("afterwards: expected $4, got $checked")
    if [ ${#recipe_failures[@]} -eq 0 ]; then
        pass "recipe $name"
    else
        fail "recipe $name" "${recipe_failures[@]}" "(log: $recipe_log)"
    fi
}

# ---- adding constraints and columns -----------------------------------------

begin_recipe add-check-validating '
CREATE TABLE "Order" (id int PRIMARY KEY, total numeric);
INSERT INTO "Order" VALUES (1, 10), (2, 0), (3, 25);'
recipe_step statements 'ALTER TABLE "Order" ADD CONSTRAINT "Order_total_positive" CHECK ("total" >= 0) NOT VALID;'
recipe_step statements 'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_total_positive";'
end_recipe "add-check-validating: NOT VALID, then VALIDATE in a transaction of its own" "" \
    "SELECT convalidated, (SELECT count(*) FROM \"Order\") FROM pg_constraint WHERE conname = 'Order_total_positive'" "t|3"

begin_recipe add-column-not-null-no-default '
CREATE TABLE "User" (id int PRIMARY KEY, email text);
INSERT INTO "User" VALUES (1, $$a@x$$), (2, $$b@x$$), (3, NULL);'
recipe_step migration "ALTER TABLE \"User\" ADD COLUMN \"plan\" TEXT NOT NULL DEFAULT 'free';"
end_recipe "add-column-not-null-no-default: a constant default" "" \
    "SELECT string_agg(plan, ',' ORDER BY id) FROM \"User\"" "free,free,free"

begin_recipe add-column-volatile-default '
CREATE TABLE "Order" (id int PRIMARY KEY, total numeric);
INSERT INTO "Order" VALUES (1, 10), (2, 0), (3, 25);'
recipe_step statements 'ALTER TABLE "Order" ADD COLUMN "publicId" uuid;                          -- instant
ALTER TABLE "Order" ALTER COLUMN "publicId" SET DEFAULT gen_random_uuid(); -- new rows
UPDATE "Order" SET "publicId" = gen_random_uuid()
 WHERE id BETWEEN 1 AND 10000 AND "publicId" IS NULL;                    -- backfill in batches'
end_recipe "add-column-volatile-default: add, default for new rows, backfill in batches" "" \
    "SELECT count(*), count(\"publicId\") FROM \"Order\"" "3|3"

begin_recipe add-foreign-key-validating '
CREATE TABLE "User" (id int PRIMARY KEY);
CREATE TABLE "Post" (id int PRIMARY KEY, "authorId" int);
INSERT INTO "User" VALUES (1), (2);
INSERT INTO "Post" VALUES (1, 1), (2, 2), (3, 1);'
recipe_step statements 'CREATE INDEX CONCURRENTLY "Post_authorId_idx" ON "Post" ("authorId");'
recipe_step statements 'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey"
    FOREIGN KEY ("authorId") REFERENCES "User" ("id") NOT VALID;'
recipe_step statements 'ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";'
end_recipe "add-foreign-key-validating: NOT VALID, then VALIDATE in a transaction of its own" "" \
    "SELECT convalidated, (SELECT count(*) FROM \"Post\") FROM pg_constraint WHERE conname = 'Post_authorId_fkey'" "t|3"

begin_recipe add-primary-key '
CREATE TABLE "Event" (id int, name text);
INSERT INTO "Event" VALUES (1, $$a$$), (2, $$b$$), (3, $$c$$);'
recipe_step statements 'CREATE UNIQUE INDEX CONCURRENTLY "Event_pkey" ON "Event" ("id");'
# "make "id" NOT NULL without a long lock (see set-not-null)"
recipe_step statements 'ALTER TABLE "Event" ADD CONSTRAINT "Event_id_not_null" CHECK ("id" IS NOT NULL) NOT VALID;
ALTER TABLE "Event" VALIDATE CONSTRAINT "Event_id_not_null";
ALTER TABLE "Event" ALTER COLUMN "id" SET NOT NULL;
ALTER TABLE "Event" DROP CONSTRAINT "Event_id_not_null";' "" prose
recipe_step statements 'ALTER TABLE "Event" ADD CONSTRAINT "Event_pkey" PRIMARY KEY USING INDEX "Event_pkey";'
end_recipe "add-primary-key: unique index CONCURRENTLY, NOT NULL the safe way, PRIMARY KEY USING INDEX" "" \
    "SELECT contype, (SELECT count(*) FROM \"Event\") FROM pg_constraint WHERE conname = 'Event_pkey'" "p|3"

begin_recipe add-unique-constraint '
CREATE TABLE "User" (id int PRIMARY KEY, email text);
INSERT INTO "User" VALUES (1, $$a@x$$), (2, $$b@x$$), (3, NULL);'
recipe_step statements 'CREATE UNIQUE INDEX CONCURRENTLY "User_email_key" ON "User" ("email");'
recipe_step statements 'ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE USING INDEX "User_email_key";'
end_recipe "add-unique-constraint: unique index CONCURRENTLY, then UNIQUE USING INDEX" "" \
    "SELECT contype, (SELECT count(*) FROM \"User\") FROM pg_constraint WHERE conname = 'User_email_key'" "u|3"

begin_recipe backfill-without-where '
CREATE TABLE "User" (id int PRIMARY KEY, name text);
INSERT INTO "User" VALUES (1, $$ada$$), (2, $$bob$$), (3, NULL);'
recipe_step migration "ALTER TABLE \"User\" ADD COLUMN \"plan\" TEXT NOT NULL DEFAULT 'free';"
# "add the column in the migration (nullable, no volatile default)"
recipe_step migration 'ALTER TABLE "User" ADD COLUMN "displayName" TEXT;' "" prose
recipe_step batches 'UPDATE "User" SET "displayName" = "name"
WHERE "id" IN (SELECT "id" FROM "User" WHERE "displayName" IS NULL AND "name" IS NOT NULL LIMIT 5000);'
end_recipe "backfill-without-where: a constant default, or a nullable column backfilled in batches" "" \
    "SELECT string_agg(plan || ':' || coalesce(\"displayName\", '-'), ',' ORDER BY id) FROM \"User\"" \
    "free:ada,free:bob,free:-"

begin_recipe missing-lock-timeout '
CREATE TABLE "User" (id int PRIMARY KEY);
INSERT INTO "User" VALUES (1), (2), (3);'
# the opt-in rule switched on, as the page is about it
recipe_step statements "SET lock_timeout = '5s';
ALTER TABLE \"User\" ADD COLUMN \"nickname\" text;" "-c migsafe.require_lock_timeout=on"
end_recipe "missing-lock-timeout: SET lock_timeout first (rule switched on)" "" \
    "SELECT count(*) FROM \"User\" WHERE nickname IS NULL" "3"

# ---- NOT NULL ----------------------------------------------------------------

begin_recipe set-not-null '
CREATE TABLE "User" (id int PRIMARY KEY, email text);
INSERT INTO "User" VALUES (1, $$a@x$$), (2, $$b@x$$), (3, $$c@x$$);'
recipe_step statements 'ALTER TABLE "User" ADD CONSTRAINT "User_email_not_null" CHECK ("email" IS NOT NULL) NOT VALID;
ALTER TABLE "User" VALIDATE CONSTRAINT "User_email_not_null";   -- scans without blocking writes
ALTER TABLE "User" ALTER COLUMN "email" SET NOT NULL;            -- uses the check: no scan
ALTER TABLE "User" DROP CONSTRAINT "User_email_not_null";        -- the NOT NULL guards it now'
end_recipe "set-not-null: CHECK NOT VALID, VALIDATE, SET NOT NULL, DROP the CHECK, each in its own transaction" "" \
    "SELECT attnotnull, (SELECT count(*) FROM pg_constraint WHERE conname = 'User_email_not_null'), (SELECT count(*) FROM \"User\")
     FROM pg_attribute WHERE attrelid = '\"User\"'::regclass AND attname = 'email'" "t|0|3"

# ---- indexes -----------------------------------------------------------------

begin_recipe concurrently-in-transaction '
CREATE TABLE "User" (id int PRIMARY KEY, email text);
INSERT INTO "User" VALUES (1, $$a@x$$), (2, $$b@x$$), (3, NULL);'
recipe_step statements '-- prisma/migrations/20261124000100_user_email_index/migration.sql
CREATE INDEX CONCURRENTLY "User_email_idx" ON "User" ("email");'
end_recipe "concurrently-in-transaction: CREATE INDEX CONCURRENTLY alone in its file" "" \
    "SELECT indisvalid FROM pg_index WHERE indexrelid = '\"User_email_idx\"'::regclass" "t"

begin_recipe create-index-not-concurrently '
CREATE TABLE "User" (id int PRIMARY KEY, email text);
INSERT INTO "User" VALUES (1, $$a@x$$), (2, $$b@x$$), (3, NULL);'
recipe_step statements 'CREATE INDEX CONCURRENTLY "User_email_idx" ON "User" ("email");'
end_recipe "create-index-not-concurrently: CREATE INDEX CONCURRENTLY" "" \
    "SELECT indisvalid FROM pg_index WHERE indexrelid = '\"User_email_idx\"'::regclass" "t"

begin_recipe create-index-not-concurrently '
CREATE TABLE "Event" (id int, name text) PARTITION BY RANGE (id);
CREATE TABLE "Event_1" PARTITION OF "Event" FOR VALUES FROM (0) TO (100);
CREATE TABLE "Event_2" PARTITION OF "Event" FOR VALUES FROM (100) TO (200);
INSERT INTO "Event" VALUES (1, $$a$$), (150, $$b$$);'
# "build the index CONCURRENTLY on each partition, then CREATE INDEX ... ON
# ONLY the parent and ALTER INDEX ... ATTACH PARTITION"
recipe_step statements 'CREATE INDEX CONCURRENTLY "Event_1_name_idx" ON "Event_1" (name);' "" prose
recipe_step statements 'CREATE INDEX CONCURRENTLY "Event_2_name_idx" ON "Event_2" (name);' "" prose
recipe_step statements 'CREATE INDEX "Event_name_idx" ON ONLY "Event" (name);
ALTER INDEX "Event_name_idx" ATTACH PARTITION "Event_1_name_idx";
ALTER INDEX "Event_name_idx" ATTACH PARTITION "Event_2_name_idx";' "" prose
end_recipe "create-index-not-concurrently: a partitioned table, partition by partition" "" \
    "SELECT indisvalid, (SELECT count(*) FROM \"Event\") FROM pg_index WHERE indexrelid = '\"Event_name_idx\"'::regclass" "t|2"

begin_recipe reindex-not-concurrently '
CREATE TABLE "User" (id int PRIMARY KEY, email text);
CREATE INDEX "User_email_idx" ON "User" (email);
INSERT INTO "User" VALUES (1, $$a@x$$), (2, $$b@x$$), (3, NULL);'
recipe_step statements 'REINDEX INDEX CONCURRENTLY "User_email_idx";'
end_recipe "reindex-not-concurrently: REINDEX ... CONCURRENTLY alone in its file" "" \
    "SELECT indisvalid FROM pg_index WHERE indexrelid = '\"User_email_idx\"'::regclass" "t"

begin_recipe detach-partition-not-concurrently '
CREATE TABLE "Event" (id int, at date) PARTITION BY RANGE (at);
CREATE TABLE "Event_2025" PARTITION OF "Event" FOR VALUES FROM ($$2025-01-01$$) TO ($$2026-01-01$$);
CREATE TABLE "Event_2026" PARTITION OF "Event" FOR VALUES FROM ($$2026-01-01$$) TO ($$2027-01-01$$);
INSERT INTO "Event" VALUES (1, $$2025-03-01$$), (2, $$2025-07-01$$), (3, $$2026-02-01$$);'
recipe_step statements 'ALTER TABLE "Event" DETACH PARTITION "Event_2025" CONCURRENTLY;'
end_recipe "detach-partition-not-concurrently: DETACH ... CONCURRENTLY alone in its file" "" \
    "SELECT (SELECT count(*) FROM \"Event\"), (SELECT count(*) FROM \"Event_2025\"),
            NOT EXISTS (SELECT FROM pg_inherits WHERE inhrelid = '\"Event_2025\"'::regclass)" "1|2|t"

begin_recipe rename-enum-value '
CREATE TYPE mood AS ENUM ($$sad$$, $$ok$$);
CREATE TABLE "Entry" (id int PRIMARY KEY, state mood);
INSERT INTO "Entry" VALUES (1, $$sad$$), (2, $$ok$$), (3, $$sad$$);'
recipe_step statements "ALTER TYPE mood ADD VALUE 'unhappy';"
# "move the stored rows (UPDATE ... SET state = 'unhappy' WHERE state = 'sad', in batches)"
recipe_step batches "UPDATE \"Entry\" SET state = 'unhappy' WHERE id IN (SELECT id FROM \"Entry\" WHERE state = 'sad' LIMIT 1);" "" prose
end_recipe "rename-enum-value: add the new label, move the rows" "" \
    "SELECT string_agg(state::text, ',' ORDER BY id) FROM \"Entry\"" "unhappy,ok,unhappy"

begin_recipe drop-index '
CREATE TABLE "Post" (id int PRIMARY KEY, title text);
CREATE INDEX "Post_title_idx" ON "Post" (title);
INSERT INTO "Post" VALUES (1, $$a$$), (2, $$b$$), (3, $$c$$);'
recipe_step statements "SELECT s.schemaname, s.relname, s.indexrelname, s.idx_scan,
       pg_size_pretty(pg_relation_size(s.indexrelid)) AS size, i.indisunique
FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
WHERE s.indexrelname = 'Post_title_idx';

SELECT stats_reset FROM pg_stat_database WHERE datname = current_database();"
recipe_step statements 'DROP INDEX CONCURRENTLY "Post_title_idx";'
end_recipe "drop-index: check it is unused, then DROP INDEX CONCURRENTLY" 'drop-index on "Post_title_idx"' \
    "SELECT count(*), to_regclass('\"Post_title_idx\"') IS NULL FROM \"Post\"" "3|t"

begin_recipe validate-in-same-transaction '
CREATE TABLE "Order" (id int PRIMARY KEY, total numeric);
INSERT INTO "Order" VALUES (1, 10), (2, 0), (3, 25);'
recipe_step migration 'ALTER TABLE "Order" ADD CONSTRAINT "Order_total_positive" CHECK ("total" >= 0) NOT VALID;'
recipe_step migration 'ALTER TABLE "Order" VALIDATE CONSTRAINT "Order_total_positive";'
end_recipe "validate-in-same-transaction: two migrations, two transactions" "" \
    "SELECT convalidated, (SELECT count(*) FROM \"Order\") FROM pg_constraint WHERE conname = 'Order_total_positive'" "t|3"

begin_recipe foreign-key-without-index '
CREATE TABLE "Post" (id int PRIMARY KEY);
INSERT INTO "Post" VALUES (1), (2);'
recipe_step migration 'CREATE TABLE "Comment" (
  "id" serial PRIMARY KEY,
  "postId" integer NOT NULL REFERENCES "Post" ("id")
);
CREATE INDEX "Comment_postId_idx" ON "Comment" ("postId");'
end_recipe "foreign-key-without-index: a new table's index in the same migration" "" \
    "SELECT count(*) FROM pg_index WHERE indrelid = '\"Comment\"'::regclass" "2"

begin_recipe foreign-key-without-index '
CREATE TABLE "Post" (id int PRIMARY KEY);
CREATE TABLE "Comment" (id int PRIMARY KEY, "postId" int);
INSERT INTO "Post" VALUES (1), (2);
INSERT INTO "Comment" VALUES (1, 1), (2, 2), (3, 1);'
recipe_step statements 'CREATE INDEX CONCURRENTLY "Comment_postId_idx" ON "Comment" ("postId");'
# "before or after the migration that adds the foreign key": before, so
# that the foreign key finds it
recipe_step migration 'ALTER TABLE "Comment" ADD CONSTRAINT "Comment_postId_fkey" FOREIGN KEY ("postId") REFERENCES "Post" ("id") NOT VALID;' "" prose
end_recipe "foreign-key-without-index: an existing table's index CONCURRENTLY, before the foreign key" "" \
    "SELECT count(*) FROM pg_constraint WHERE conname = 'Comment_postId_fkey'" "1"

begin_recipe alter-domain-add-constraint '
CREATE DOMAIN "Email" AS text;
CREATE TABLE "User" (id int PRIMARY KEY, email "Email");
INSERT INTO "User" VALUES (1, $$a@x$$), (2, $$b@x$$), (3, NULL);'
recipe_step statements 'ALTER DOMAIN "Email" ADD CONSTRAINT "Email_lower" CHECK (VALUE = lower(VALUE)) NOT VALID;'
recipe_step statements 'ALTER DOMAIN "Email" VALIDATE CONSTRAINT "Email_lower";' "-c lock_timeout=5s"
recipe_step statements 'ALTER DOMAIN "Email" ADD CONSTRAINT "Email_not_null" CHECK (VALUE IS NOT NULL) NOT VALID;'
end_recipe "alter-domain-add-constraint: NOT VALID, then VALIDATE in a later transaction" "" \
    "SELECT string_agg(conname || '=' || convalidated, ',' ORDER BY conname), (SELECT count(*) FROM \"User\")
     FROM pg_constraint WHERE contypid = '\"Email\"'::regtype" "Email_lower=true,Email_not_null=false|3"

begin_recipe int-primary-key 'SELECT 1;'
recipe_step migration 'CREATE TABLE "User" ("id" BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "email" TEXT NOT NULL);' \
    "-c migsafe.enable_rules=int-primary-key"
end_recipe "int-primary-key: a bigint identity key" "" \
    "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '\"User\"'::regclass AND attname = 'id'" "bigint"

# ---- changing and renaming columns and tables -------------------------------

begin_recipe alter-column-type '
CREATE TABLE "Post" (id int PRIMARY KEY, views int);
INSERT INTO "Post" VALUES (1, 10), (2, NULL), (3, 2000000000);
SELECT migsafe_approve($$20261124_drop_post_views$$, $$views moved to viewsBig$$, $$1 hour$$, ARRAY[$$"Post"$$]);'
recipe_step migration 'ALTER TABLE "Post" ADD COLUMN "viewsBig" BIGINT;

   CREATE FUNCTION "Post_sync_viewsBig"() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = '"'"'INSERT'"'"' THEN
       NEW."viewsBig" := COALESCE(NEW."viewsBig", NEW."views");
     ELSIF NEW."views" IS DISTINCT FROM OLD."views" THEN
       NEW."viewsBig" := NEW."views";
     END IF;
     RETURN NEW;
   END $$;

   CREATE TRIGGER "Post_sync_viewsBig" BEFORE INSERT OR UPDATE ON "Post"
     FOR EACH ROW EXECUTE FUNCTION "Post_sync_viewsBig"();'
recipe_step batches 'UPDATE "Post" SET "viewsBig" = "views"
   WHERE "id" IN (SELECT "id" FROM "Post" WHERE "viewsBig" IS NULL AND "views" IS NOT NULL LIMIT 5000);'
recipe_step statements 'SELECT count(*) FROM "Post" WHERE "viewsBig" IS DISTINCT FROM
"views"'
# "In a later migration, drop the trigger and function, then the old column
# (a drop-column finding, run with an approval)"
recipe_step migration 'DROP TRIGGER "Post_sync_viewsBig" ON "Post";
DROP FUNCTION "Post_sync_viewsBig"();
ALTER TABLE "Post" DROP COLUMN "views";' "-c migsafe.approved_migration=20261124_drop_post_views" prose
end_recipe "alter-column-type: new column kept in step, batches, then the old column dropped under an approval" "" \
    "SELECT string_agg(coalesce(\"viewsBig\"::text, '-'), ',' ORDER BY id) FROM \"Post\"" "10,-,2000000000"

begin_recipe large-table-rewrite '
CREATE TABLE "User" (id int PRIMARY KEY, name varchar(40));
INSERT INTO "User" VALUES (1, $$ada$$), (2, $$bob$$), (3, NULL);'
# "prefer the ones PostgreSQL does without a rewrite (varchar(n) to a longer
# varchar or text)"
recipe_step migration 'ALTER TABLE "User" ALTER COLUMN "name" TYPE text;' "" prose
end_recipe "large-table-rewrite (and table-rewrite): a type change without a rewrite" "" \
    "SELECT string_agg(coalesce(name, '-'), ',' ORDER BY id) FROM \"User\"" "ada,bob,-"

begin_recipe rename-column '
CREATE TABLE "User" (id int PRIMARY KEY, name text);
INSERT INTO "User" VALUES (1, $$ada$$), (2, $$bob$$), (3, NULL);
SELECT migsafe_approve($$20261124_drop_user_name$$, $$name moved to fullName$$, $$1 hour$$, ARRAY[$$"User"$$]);'
recipe_step migration 'ALTER TABLE "User" ADD COLUMN "fullName" TEXT;

     CREATE FUNCTION "User_sync_fullName"() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = '"'"'INSERT'"'"' THEN
         NEW."fullName" := COALESCE(NEW."fullName", NEW."name");
         NEW."name" := COALESCE(NEW."name", NEW."fullName");
       ELSIF NEW."name" IS DISTINCT FROM OLD."name" THEN
         NEW."fullName" := NEW."name";
       ELSIF NEW."fullName" IS DISTINCT FROM OLD."fullName" THEN
         NEW."name" := NEW."fullName";
       END IF;
       RETURN NEW;
     END $$;

     CREATE TRIGGER "User_sync_fullName" BEFORE INSERT OR UPDATE ON "User"
       FOR EACH ROW EXECUTE FUNCTION "User_sync_fullName"();'
recipe_step batches 'UPDATE "User" SET "fullName" = "name"
     WHERE "id" IN (SELECT "id" FROM "User" WHERE "fullName" IS NULL AND "name" IS NOT NULL LIMIT 5000);'
recipe_step migration 'DROP TRIGGER "User_sync_fullName" ON "User";
DROP FUNCTION "User_sync_fullName"();
ALTER TABLE "User" DROP COLUMN "name";' "-c migsafe.approved_migration=20261124_drop_user_name" prose
end_recipe "rename-column: expand and contract, the old column dropped under an approval" "" \
    "SELECT string_agg(coalesce(\"fullName\", '-'), ',' ORDER BY id) FROM \"User\"" "ada,bob,-"

begin_recipe rename-table '
CREATE TABLE "Post" (id int PRIMARY KEY, title text);
INSERT INTO "Post" VALUES (1, $$a$$), (2, $$b$$), (3, $$c$$);'
recipe_step statements 'CREATE VIEW "Article" AS SELECT * FROM "Post";'
recipe_step statements 'BEGIN;
     DROP VIEW "Article";
     ALTER TABLE "Post" RENAME TO "Article";
     COMMIT;'
end_recipe "rename-table: a view of the new name first, then swap in one transaction" 'rename-table on "Post"' \
    "SELECT count(*) FROM \"Article\"" "3"

# ---- removing things (the pages say which steps need an approval) -----------

begin_recipe drop-column '
CREATE TABLE "User" (id int PRIMARY KEY, "legacyId" int NOT NULL);
INSERT INTO "User" VALUES (1, 11), (2, 12), (3, 13);
SELECT migsafe_approve($$20261124_drop_legacy_id$$, $$legacyId unused since v3$$, $$1 hour$$, ARRAY[$$"User"$$]);'
recipe_step migration 'ALTER TABLE "User" ALTER COLUMN "legacyId" DROP NOT NULL;'
recipe_step migration 'ALTER TABLE "User" DROP COLUMN "legacyId";' "-c migsafe.approved_migration=20261124_drop_legacy_id"
end_recipe "drop-column: DROP NOT NULL, then the drop in a later, approved migration" "" \
    "SELECT (SELECT count(*) FROM \"User\"), (SELECT count(*) FROM pg_attribute
     WHERE attrelid = '\"User\"'::regclass AND attname = 'legacyId' AND NOT attisdropped)" "3|0"

begin_recipe drop-constraint '
CREATE TABLE "User" (id int PRIMARY KEY);
CREATE TABLE "Post" (id int PRIMARY KEY, "authorId" int CONSTRAINT "Post_authorId_fkey" REFERENCES "User" (id));
CREATE INDEX "Post_authorId_idx" ON "Post" ("authorId");
INSERT INTO "User" VALUES (1), (2);
INSERT INTO "Post" VALUES (1, 1), (2, 2), (3, 1);'
recipe_step statements 'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_cascade_fkey"
     FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE NOT VALID;'
recipe_step statements 'ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_cascade_fkey";'
recipe_step statements "SELECT migsafe_approve('20261124_post_author_cascade', 'replaced by validated Post_authorId_cascade_fkey', '1 hour');"
recipe_step migration 'ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";
   ALTER TABLE "Post" RENAME CONSTRAINT "Post_authorId_cascade_fkey" TO "Post_authorId_fkey";' \
    "-c migsafe.approved_migration=20261124_post_author_cascade"
end_recipe "drop-constraint: the new constraint NOT VALID, VALIDATE, then the swap in an approved migration" "" \
    "SELECT string_agg(conname || ':' || confdeltype::text, ','), (SELECT count(*) FROM \"Post\") FROM pg_constraint
     WHERE conrelid = '\"Post\"'::regclass AND contype = 'f'" "Post_authorId_fkey:c|3"

begin_recipe cascade-drop '
CREATE TYPE "Mood" AS ENUM ($$ok$$, $$sad$$);
CREATE TABLE "User" (id int PRIMARY KEY, "mood" "Mood");
INSERT INTO "User" VALUES (1, $$ok$$), (2, $$sad$$), (3, NULL);
SELECT migsafe_approve($$20261124_drop_mood$$, $$mood is unused$$, $$1 hour$$, ARRAY[$$"User".mood$$]);'
recipe_step statements 'ALTER TABLE "User" DROP COLUMN "mood";' "-c migsafe.approved_migration=20261124_drop_mood"
recipe_step statements 'DROP TYPE "Mood";'
end_recipe "cascade-drop: the dependent column explicitly (approved), then the type without CASCADE" 'drop-type on "Mood"' \
    "SELECT count(*), to_regtype('\"Mood\"') IS NULL FROM \"User\"" "3|t"

begin_recipe drop-table '
CREATE TABLE "LegacyOrder" (id int PRIMARY KEY, total numeric);
INSERT INTO "LegacyOrder" VALUES (1, 10), (2, 20), (3, 30);'
recipe_step statements 'ALTER TABLE "LegacyOrder" RENAME TO "_LegacyOrder_retired";'
# "Keep a copy": pg_dump with the page's options
pg_dump --format=custom --table='public."_LegacyOrder_retired"' --file="$WORK/legacy_order.dump" \
    -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres "$recipes_db" 2>>"$recipe_log" ||
    recipe_failures+=("pg_dump of the retired table failed")
# 4. "After a grace period, drop it in a later, approved migration"
recipe_step statements "SELECT migsafe_approve('20261124_drop_legacy_order', 'unused since release 4.2; dump taken', '1 hour');"
recipe_step statements 'DROP TABLE "_LegacyOrder_retired";' "-c migsafe.approved_migration=20261124_drop_legacy_order"
end_recipe "drop-table: rename to retire, keep a copy, drop in a later approved migration" \
    'rename-table on "LegacyOrder"' \
    "SELECT to_regclass('\"_LegacyOrder_retired\"') IS NULL" "t"

begin_recipe drop-schema '
CREATE SCHEMA legacy;
CREATE TABLE legacy.orders (id int PRIMARY KEY);
INSERT INTO legacy.orders VALUES (1), (2), (3);
SELECT migsafe_approve($$20261201_drop_legacy$$, $$legacy schema retired$$, $$1 hour$$,
                       ARRAY[$$legacy_retired.orders$$, $$legacy_retired$$]);'
recipe_step statements "SELECT c.relname, c.relkind, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'legacy' AND c.relkind IN ('r', 'p', 'm', 'v', 'f', 'S')
ORDER BY pg_total_relation_size(c.oid) DESC;"
recipe_step statements 'ALTER SCHEMA "legacy" RENAME TO "legacy_retired";'
# "Drop its objects one by one in reviewed migrations (drop-table ... apply to each)"
recipe_step migration 'DROP TABLE legacy_retired.orders;' "-c migsafe.approved_migration=20261201_drop_legacy" prose
recipe_step migration 'DROP SCHEMA "legacy_retired";' "-c migsafe.approved_migration=20261201_drop_legacy"
end_recipe "drop-schema: rename it, drop its objects, then the empty schema in an approved migration" "" \
    "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'legacy%'" "0"

begin_recipe drop-type "
CREATE TYPE \"Role_old\" AS ENUM ('USER', 'ADMIN');
CREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN');
CREATE TABLE \"User\" (id int PRIMARY KEY, role \"Role\");
INSERT INTO \"User\" VALUES (1, 'USER'), (2, 'ADMIN'), (3, NULL);"
recipe_step statements "SELECT table_schema, table_name, column_name
   FROM information_schema.columns
   WHERE udt_schema = 'public' AND udt_name = 'Role_old';

   SELECT pg_describe_object(classid, objid, objsubid) AS used_by
   FROM pg_depend
   WHERE refobjid = 'public.\"Role_old\"'::regtype AND deptype = 'n';"
# "then drop the type without CASCADE"
recipe_step statements 'DROP TYPE "Role_old";' "" prose
recipe_step statements "ALTER TYPE \"Role\" ADD VALUE IF NOT EXISTS 'MODERATOR';"
end_recipe "drop-type: check its uses, drop it without CASCADE; add enum values in place" 'drop-type on "Role_old"' \
    "SELECT count(*), (SELECT count(*) FROM pg_enum WHERE enumtypid = '\"Role\"'::regtype) FROM \"User\"" "3|3"

begin_recipe drop-extension '
CREATE EXTENSION "uuid-ossp";
CREATE TABLE "User" (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), name text);
INSERT INTO "User" (name) VALUES ($$ada$$), ($$bob$$), ($$eve$$);
SELECT migsafe_approve($$20261201_drop_uuid_ossp$$, $$defaults moved to gen_random_uuid()$$, $$1 hour$$);'
recipe_step statements "SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS used_by,
          pg_describe_object(d.refclassid, d.refobjid, 0) AS extension_object
   FROM pg_extension x
   JOIN pg_depend m ON m.refclassid = 'pg_extension'::regclass AND m.refobjid = x.oid AND m.deptype = 'e'
   JOIN pg_depend d ON d.refclassid = m.classid AND d.refobjid = m.objid AND d.deptype = 'n'
   WHERE x.extname = 'uuid-ossp';"
recipe_step migration 'ALTER TABLE "User" ALTER COLUMN "id" SET DEFAULT gen_random_uuid();'
recipe_step migration 'DROP EXTENSION "uuid-ossp";' "-c migsafe.approved_migration=20261201_drop_uuid_ossp"
end_recipe "drop-extension: replace its uses, then DROP EXTENSION without CASCADE, approved" "" \
    "SELECT count(*), (SELECT count(*) FROM pg_extension WHERE extname = 'uuid-ossp') FROM \"User\"" "3|0"

begin_recipe drop-owned '
CREATE ROLE legacy_app;
CREATE ROLE app_owner;
CREATE TABLE legacy_notes (id int PRIMARY KEY);
INSERT INTO legacy_notes VALUES (1), (2), (3);
ALTER TABLE legacy_notes OWNER TO legacy_app;
GRANT ALL ON SCHEMA public TO legacy_app;'
recipe_step statements "REASSIGN OWNED BY \"legacy_app\" TO \"app_owner\";
   SELECT relname, relkind FROM pg_class WHERE relowner = 'legacy_app'::regrole;"
recipe_step statements 'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "legacy_app";
   REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM "legacy_app";
   REVOKE ALL ON SCHEMA public FROM "legacy_app";
   DROP ROLE "legacy_app";'
end_recipe "drop-owned: REASSIGN OWNED, REVOKE, then DROP ROLE" "" \
    "SELECT pg_get_userbyid(relowner), (SELECT count(*) FROM legacy_notes), (SELECT count(*) FROM pg_roles WHERE rolname = 'legacy_app')
     FROM pg_class WHERE relname = 'legacy_notes'" "app_owner|3|0"

begin_recipe drop-database ''
PGOPTIONS="-c migsafe.mode=off" recipe_psql postgres -q -c "CREATE DATABASE shop_old" >/dev/null &&
    PGOPTIONS="-c migsafe.mode=off" recipe_psql shop_old -q -c "CREATE TABLE orders (id int); INSERT INTO orders VALUES (1), (2)" \
        >/dev/null || recipe_failures+=("could not create shop_old")
# 1. "Take a backup"
pg_dump --format=custom --file="$WORK/shop_old.dump" -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres shop_old \
    2>>"$recipe_log" || recipe_failures+=("pg_dump of shop_old failed")
# 2. "Stop new connections and see who is still connected"
recipe_step statements "ALTER DATABASE \"shop_old\" WITH ALLOW_CONNECTIONS false;
   SELECT pid, usename, application_name, client_addr FROM pg_stat_activity WHERE datname = 'shop_old';"
# 3. "drop it in a maintenance window, from a session connected to another database"
recipe_step statements "SELECT migsafe_open_window('30 minutes', 'drop shop_old');" "" prose
recipe_step statements 'DROP DATABASE "shop_old";' "" prose
end_recipe "drop-database: back up, stop connections, drop in a window from another database" "" \
    "SELECT count(*) FROM pg_database WHERE datname = 'shop_old'" "0"

begin_recipe self-protection ''
recipe_step statements "SELECT migsafe_open_window('15 minutes', 'uninstall migsafe (CHG-1234)', ARRAY['migsafe']);
DROP EXTENSION migsafe;"
end_recipe "self-protection: uninstall under a window that names migsafe" "" \
    "SELECT count(*) FROM pg_extension WHERE extname = 'migsafe'" "0"

# ---- DML in batches --------------------------------------------------------------

begin_recipe delete-without-where '
CREATE TABLE "Session" (id int PRIMARY KEY, "expiresAt" timestamptz);
INSERT INTO "Session" SELECT i, now() - interval $$1 day$$ FROM generate_series(1, 2500) i;
INSERT INTO "Session" VALUES (2501, now() + interval $$1 day$$);'
recipe_step batches 'DELETE FROM "Session"
WHERE "id" IN (SELECT "id" FROM "Session" WHERE "expiresAt" < now() LIMIT 10000);'
end_recipe "delete-without-where: DELETE with a WHERE, in batches" "" "SELECT count(*) FROM \"Session\"" "1"

begin_recipe truncate '
CREATE TABLE "Session" (id int PRIMARY KEY, "expiresAt" timestamptz);
INSERT INTO "Session" SELECT i, now() - interval $$1 day$$ FROM generate_series(1, 2500) i;
INSERT INTO "Session" VALUES (2501, now() + interval $$1 day$$);'
recipe_step batches 'DELETE FROM "Session"
WHERE "id" IN (SELECT "id" FROM "Session" WHERE "expiresAt" < now() LIMIT 10000);'
end_recipe "truncate: delete the rows meant, in batches" "" "SELECT count(*) FROM \"Session\"" "1"

begin_recipe truncate '
CREATE TABLE "Session" (id int PRIMARY KEY);
INSERT INTO "Session" VALUES (1), (2), (3);
SELECT migsafe_approve($$20261201_empty_sessions$$, $$log everyone out$$, $$1 hour$$, ARRAY[$$"Session"$$]);'
# "run the TRUNCATE with an approval or in a maintenance window, without CASCADE"
recipe_step statements 'TRUNCATE "Session";' "-c migsafe.approved_migration=20261201_empty_sessions" prose
end_recipe "truncate: emptying the table on purpose, approved, without CASCADE" "" \
    "SELECT count(*), (SELECT count(*) FROM migsafe.audit_log WHERE approval = '20261201_empty_sessions') FROM \"Session\"" "0|1"

begin_recipe update-without-where '
CREATE TABLE "User" (id int PRIMARY KEY, locale text);
INSERT INTO "User" SELECT i, CASE WHEN i % 3 = 0 THEN $$fr$$ END FROM generate_series(1, 2500) i;'
recipe_step batches "UPDATE \"User\" SET \"locale\" = 'en'
WHERE \"id\" IN (SELECT \"id\" FROM \"User\" WHERE \"locale\" IS NULL LIMIT 5000);"
end_recipe "update-without-where: UPDATE with a WHERE, in batches" "" \
    "SELECT string_agg(locale || ':' || n, ',' ORDER BY locale) FROM (SELECT locale, count(*) n FROM \"User\" GROUP BY locale) c" \
    "en:1667,fr:833"

begin_recipe mass-delete '
CREATE TABLE t (id int PRIMARY KEY, expired bool);
INSERT INTO t SELECT i, i <= 2500 FROM generate_series(1, 2600) i;'
# "Delete what you mean in batches (DELETE FROM t WHERE id IN (SELECT id FROM
# t WHERE ... LIMIT 1000))"
recipe_step batches 'DELETE FROM t WHERE id IN (SELECT id FROM t WHERE expired LIMIT 1000);' "" prose
end_recipe "mass-delete: delete what is meant, in batches of 1000" "" "SELECT count(*) FROM t" "100"

begin_recipe mass-update '
CREATE TABLE prices (id int PRIMARY KEY, price numeric, repriced bool NOT NULL DEFAULT false);
INSERT INTO prices SELECT i, 10 FROM generate_series(1, 2500) i;'
# "Update the rows you mean, in batches"
recipe_step batches 'UPDATE prices SET price = price * 1.1, repriced = true WHERE id IN (SELECT id FROM prices WHERE NOT repriced LIMIT 1000);' "" prose
end_recipe "mass-update: update what is meant, in batches of 1000" "" \
    "SELECT count(*) FILTER (WHERE repriced), sum(price) FROM prices" "2500|27500.0"

# ---- plain statements, maintenance windows -------------------------------------

begin_recipe do-block '
CREATE TABLE "User" (id int PRIMARY KEY, email text);
INSERT INTO "User" VALUES (1, $$a@x$$), (2, $$b@x$$), (3, NULL);
CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER "User_audit" BEFORE UPDATE ON "User" FOR EACH ROW EXECUTE FUNCTION audit();'
recipe_step migration 'ALTER TABLE "User" ADD COLUMN IF NOT EXISTS "nickname" TEXT;
DROP TRIGGER IF EXISTS "User_audit" ON "User";'
recipe_step statements 'CREATE INDEX CONCURRENTLY IF NOT EXISTS "User_nickname_idx" ON "User" ("nickname");'
end_recipe "do-block: the plain IF [NOT] EXISTS forms" "" \
    "SELECT count(*), (SELECT count(*) FROM pg_trigger WHERE tgname = 'User_audit') FROM \"User\"" "3|0"

begin_recipe protected-table '
CREATE TABLE "Skill" (id int PRIMARY KEY, name text);
INSERT INTO "Skill" VALUES (1, $$sql$$), (2, $$c++$$);
CREATE TABLE "User" (id int PRIMARY KEY);
INSERT INTO "User" VALUES (1), (2);
SELECT migsafe_protect($$"Skill"$$, $$the product catalogue$$);'
recipe_step statements "SELECT migsafe_approve('20261124_user_skill', 'UserSkill references Skill', '1 hour',
                          objects => ARRAY['public.\"Skill\"']);"
# the change, under the approval that names the table
recipe_step migration 'CREATE TABLE "UserSkill" ("userId" int REFERENCES "User", "skillId" int REFERENCES "Skill");' \
    "-c migsafe.approved_migration=20261124_user_skill" prose
# "Changes that do not touch the protected table ... need none"
recipe_step migration 'ALTER TABLE "User" ADD COLUMN "nickname" TEXT;' "" prose
end_recipe "protected-table: the change under an approval that names the table; others need none" "" \
    "SELECT count(*), (SELECT count(*) FROM \"User\") FROM \"Skill\"" "2|2"

begin_recipe cluster '
CREATE TABLE "Event" (id int PRIMARY KEY, name text);
INSERT INTO "Event" VALUES (3, $$c$$), (1, $$a$$), (2, $$b$$);'
# "run CLUSTER only in a maintenance window"
recipe_step statements "SELECT migsafe_open_window('30 minutes', 'recluster Event');
CLUSTER \"Event\" USING \"Event_pkey\";
SELECT migsafe_close_window();" "" prose
end_recipe "cluster: CLUSTER in a maintenance window" 'cluster on "Event"' "SELECT count(*) FROM \"Event\"" "3"

begin_recipe vacuum-full '
CREATE TABLE "Event" (id int PRIMARY KEY, name text);
INSERT INTO "Event" VALUES (1, $$a$$), (2, $$b$$), (3, $$c$$);'
# "Plain VACUUM"; "Run VACUUM FULL only in a maintenance window"
recipe_step statements 'VACUUM "Event";' "" prose
recipe_step statements "SELECT migsafe_open_window('30 minutes', 'compact Event');
VACUUM FULL \"Event\";
SELECT migsafe_close_window();" "" prose
end_recipe "vacuum-full: plain VACUUM, or VACUUM FULL in a maintenance window" 'vacuum-full on "Event"' "SELECT count(*) FROM \"Event\"" "3"

begin_recipe set-access-method '
CREATE TABLE "Event" (id int PRIMARY KEY, name text);
INSERT INTO "Event" VALUES (1, $$a$$), (2, $$b$$), (3, $$c$$);'
# "Run it in a maintenance window"
recipe_step statements "SELECT migsafe_open_window('30 minutes', 'change access method');
ALTER TABLE \"Event\" SET ACCESS METHOD heap;
SELECT migsafe_close_window();" "" prose
end_recipe "set-access-method: in a maintenance window" 'set-access-method on "Event"' "SELECT count(*) FROM \"Event\"" "3"

begin_recipe set-logged-unlogged '
CREATE TABLE "Event" (id int PRIMARY KEY, name text);
INSERT INTO "Event" VALUES (1, $$a$$), (2, $$b$$), (3, $$c$$);'
# "Run the change in a maintenance window"
recipe_step statements "SELECT migsafe_open_window('30 minutes', 'bulk load');
ALTER TABLE \"Event\" SET UNLOGGED;
ALTER TABLE \"Event\" SET LOGGED;
SELECT migsafe_close_window();" "" prose
end_recipe "set-logged-unlogged: in a maintenance window" \
    'set-logged-unlogged on "Event"; table-rewrite on public."Event"' \
    "SELECT relpersistence, (SELECT count(*) FROM \"Event\") FROM pg_class WHERE oid = '\"Event\"'::regclass" "p|3"

mkdir -p "$recipes_tablespace_dir" && { [ "$(id -u)" != 0 ] || chown postgres: "$recipes_tablespace_dir"; }
begin_recipe set-tablespace '
CREATE TABLE "Event" (id int PRIMARY KEY, name text);
INSERT INTO "Event" VALUES (1, $$a$$), (2, $$b$$), (3, $$c$$);'
PGOPTIONS="-c migsafe.mode=off" recipe_psql postgres -q \
    -c "CREATE TABLESPACE recipes_archive LOCATION '$recipes_tablespace_dir'" >/dev/null 2>>"$recipe_log" ||
    recipe_failures+=("could not create the tablespace")
# "Run it in a maintenance window"
recipe_step statements "SELECT migsafe_open_window('30 minutes', 'move Event');
ALTER TABLE \"Event\" SET TABLESPACE recipes_archive;
SELECT migsafe_close_window();" "" prose
end_recipe "set-tablespace: in a maintenance window" 'set-tablespace on "Event"' \
    "SELECT spcname, (SELECT count(*) FROM \"Event\") FROM pg_class c JOIN pg_tablespace t ON t.oid = c.reltablespace
     WHERE c.oid = '\"Event\"'::regclass" "recipes_archive|3"

recipe_cleanup
rm -rf "$recipes_tablespace_dir"
