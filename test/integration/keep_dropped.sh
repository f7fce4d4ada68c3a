# The undo window (migsafe.keep_dropped): an approved DROP TABLE keeps the
# table in schema migsafe_dropped, the application sees it gone, and
# migsafe_restore() puts it back with its rows, indexes, sequence, privileges
# and foreign keys; what is not kept (dependents, partitions, inheritance,
# several tables, not the owner) is dropped as PostgreSQL drops it, with a
# NOTICE saying why; migsafe_purge(), by hand and from pg_cron. Sourced by
# run.

kd_migrate() {  # psql args...: the migration, approved, with the undo window
    PGOPTIONS="-c migsafe.approved_migration=kd_migration -c migsafe.keep_dropped=${kd_keep:-7d}" \
        psql -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U postgres \
        -d "$DB" "$@" 2>&1
}
kd_app() { psql -X -q -At -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" -U kd_app -d "$DB" "$@" 2>&1; }
kd_orders() {  # where: public | kept name
    setup_sql -c "SELECT count(*) || ':' || sum(id) || ':' || string_agg(note, ',' ORDER BY id) FROM $1"
}
kd_kept() { setup_sql -c "SELECT kept_as FROM migsafe.dropped WHERE table_name = '$1' ORDER BY id DESC LIMIT 1"; }

setup_sql >/dev/null <<'SQL'
SET client_min_messages = warning;
DROP ROLE IF EXISTS kd_app;
CREATE ROLE kd_app LOGIN;
GRANT USAGE ON SCHEMA public TO kd_app;
CREATE TABLE kd_users (id int PRIMARY KEY);
INSERT INTO kd_users VALUES (1), (2), (3);
CREATE TABLE kd_orders (id serial PRIMARY KEY, user_id int REFERENCES kd_users, note text);
CREATE INDEX kd_orders_note ON kd_orders (note);
INSERT INTO kd_orders (user_id, note) VALUES (1, 'a'), (2, 'b'), (3, 'c');
GRANT SELECT, INSERT ON kd_orders TO kd_app;
CREATE TABLE kd_tag (id int);
INSERT INTO kd_tag VALUES (1);
GRANT USAGE ON SEQUENCE kd_orders_id_seq TO kd_app;
GRANT SELECT, DELETE ON kd_users TO kd_app;
SELECT migsafe_approve('kd_migration', 'undo window test', '1 hour');
SQL
rows=$(kd_orders kd_orders)

# ---- kept --------------------------------------------------------------------------
out=$(kd_migrate -c "DROP TABLE kd_orders")
kept=$(kd_kept kd_orders)
if [[ "$kept" == kd_orders_20[0-9]*_[0-9]* ]] &&
    grep -q "NOTICE:  00000: migsafe kept public.kd_orders as migsafe_dropped.$kept (migsafe.keep_dropped)" <<<"$out" &&
    grep -q "HINT:  SELECT migsafe_restore('$kept') puts it back" <<<"$out"; then
    pass "an approved DROP TABLE keeps the table under a name with the time, and says how to restore it"
else
    fail "an approved DROP TABLE keeps the table under a name with the time, and says how to restore it" "$kept" "$out"
fi
tag=$(PGOPTIONS="-c migsafe.approved_migration=kd_migration -c migsafe.keep_dropped=7d" psql -X -h "$MIGSAFE_CLUSTER_DIR" \
    -p "$PORT" -U postgres -d "$DB" -c "DROP TABLE kd_tag" 2>/dev/null)
expect_equal "the client gets the command tag of a DROP TABLE" "DROP TABLE|kd_tag" "$tag|$(setup_sql -c "SELECT table_name FROM migsafe.dropped WHERE table_name = 'kd_tag'")"
out=$(kd_app -c "SELECT count(*) FROM kd_orders")
if grep -q 'relation "kd_orders" does not exist' <<<"$out"; then
    pass "the application sees the table gone, as after a DROP"
else
    fail "the application sees the table gone, as after a DROP" "$out"
fi
out=$(kd_app -c "SELECT count(*) FROM migsafe_dropped.$kept")
if grep -q 'permission denied for schema migsafe_dropped' <<<"$out"; then
    pass "the application cannot reach the kept table"
else
    fail "the application cannot reach the kept table" "$out"
fi
expect_equal "the kept table has every row" "$rows" "$(kd_orders "migsafe_dropped.$kept")"
expect_equal "the audit row says where the data went" "approved|$kept" \
    "$(setup_sql -c "SELECT outcome || '|' || kept_as FROM migsafe.audit_log WHERE statement = 'DROP TABLE kd_orders'")"
listed=$(setup_sql -c "SELECT original, keep_until > now() + interval '6 days', size > 0, dropped_by FROM migsafe_dropped() WHERE kept_as = '$kept'")
expect_equal "migsafe_dropped() lists it: where it was, until when, its size, who dropped it" "public.kd_orders|t|t|postgres" "$listed"
expect_equal "its foreign key no longer holds back the application's deletes" "" \
    "$(kd_app -c "DELETE FROM kd_users WHERE id = 3")"

# ---- restored ----------------------------------------------------------------------
setup_sql -c "CREATE TABLE kd_orders (id int)" >/dev/null
out=$(setup_sql -c "SELECT migsafe_restore('$kept')" 2>&1)
if grep -q "cannot restore $kept as public.kd_orders: public.kd_orders exists" <<<"$out" &&
    [ "$(kd_orders "migsafe_dropped.$kept")" = "$rows" ]; then
    pass "a restore onto a name that is taken is refused, and the kept table stays"
else
    fail "a restore onto a name that is taken is refused, and the kept table stays" "$out"
fi
setup_sql -c "DROP TABLE kd_orders" >/dev/null
out=$(setup_sql -c "SELECT migsafe_restore('$kept')" 2>/dev/null)
indexes=$(setup_sql -c "SELECT string_agg(indexrelid::regclass::text, ',' ORDER BY indexrelid::regclass::text) FROM pg_index WHERE indrelid = 'kd_orders'::regclass")
if [ "$out" = "public.kd_orders" ] && [ "$(kd_orders kd_orders)" = "$rows" ] && [ "$indexes" = "kd_orders_note,kd_orders_pkey" ]; then
    pass "migsafe_restore() puts it back where it was, with its rows and indexes"
else
    fail "migsafe_restore() puts it back where it was, with its rows and indexes" "$out" "$indexes"
fi
expect_equal "... with its privileges and its sequence, for the application" "4" \
    "$(kd_app -c "INSERT INTO kd_orders (user_id, note) VALUES (1, 'd') RETURNING id" | head -1)"
expect_equal "... and its foreign key, NOT VALID (a referenced row went meanwhile)" "kd_orders_user_id_fkey|f" \
    "$(setup_sql -c "SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'kd_orders'::regclass AND contype = 'f'")"
expect_equal "a restored table is no longer listed" "" "$(setup_sql -c "SELECT kept_as FROM migsafe_dropped() WHERE kept_as = '$kept'")"

# ---- twice, and a name its index needs ---------------------------------------------
kd_migrate -c "DROP TABLE kd_orders" >/dev/null
first=$(kd_kept kd_orders)
setup_sql -c "CREATE TABLE kd_orders (id int, note text)" -c "CREATE INDEX kd_orders_note ON kd_orders (note)" \
    -c "INSERT INTO kd_orders VALUES (9, 'z')" >/dev/null
kd_migrate -c "DROP TABLE kd_orders" >/dev/null
second=$(kd_kept kd_orders)
if [ -n "$first" ] && [ -n "$second" ] && [ "$first" != "$second" ] &&
    [ "$(setup_sql -c "SELECT count(*) FROM migsafe_dropped() WHERE original = 'public.kd_orders'")" = 2 ]; then
    pass "the same table dropped twice is kept twice, under two names"
else
    fail "the same table dropped twice is kept twice, under two names" "$first" "$second"
fi
setup_sql -c "CREATE TABLE kd_other (note text)" -c "CREATE INDEX kd_orders_note ON kd_other (note)" >/dev/null
out=$(setup_sql -c "SELECT migsafe_restore('$first')" 2>&1)
if grep -q "public.kd_orders_note exists" <<<"$out"; then
    pass "a restore is refused when a name its index needs is taken"
else
    fail "a restore is refused when a name its index needs is taken" "$out"
fi

# ---- not kept ------------------------------------------------------------------------
setup_sql >/dev/null <<'SQL'
CREATE TABLE kd_viewed (id int);
INSERT INTO kd_viewed VALUES (1);
CREATE VIEW kd_view AS SELECT id FROM kd_viewed;
CREATE TABLE kd_parent (id int PRIMARY KEY);
INSERT INTO kd_parent VALUES (1);
CREATE TABLE kd_child (parent int REFERENCES kd_parent);
CREATE TABLE kd_parted (id int) PARTITION BY RANGE (id);
CREATE TABLE kd_part PARTITION OF kd_parted FOR VALUES FROM (0) TO (100);
INSERT INTO kd_parted VALUES (1);
CREATE TABLE kd_seq_owner (id serial);
INSERT INTO kd_seq_owner DEFAULT VALUES;
CREATE TABLE kd_seq_user (id int DEFAULT nextval('kd_seq_owner_id_seq'));
CREATE TABLE kd_a (id int);
CREATE TABLE kd_b (id int);
INSERT INTO kd_a VALUES (1);
INSERT INTO kd_b VALUES (1);
SQL
out=$(kd_migrate -c "DROP TABLE kd_viewed")
if grep -q "migsafe.keep_dropped: public.kd_viewed is dropped, not kept: other objects depend on it (view public.kd_view)" <<<"$out" &&
    grep -q "cannot drop table kd_viewed because other objects depend on it" <<<"$out"; then
    pass "a table a view depends on is not kept, and the DROP fails as PostgreSQL's does"
else
    fail "a table a view depends on is not kept, and the DROP fails as PostgreSQL's does" "$out"
fi
out=$(kd_migrate -c "DROP TABLE kd_parent CASCADE")
if grep -q "not kept: other objects depend on it (constraint kd_child_parent_fkey on table public.kd_child)" <<<"$out" &&
    [ -z "$(setup_sql -c "SELECT to_regclass('kd_parent')")" ]; then
    pass "a table a foreign key points at is not kept: DROP ... CASCADE drops it"
else
    fail "a table a foreign key points at is not kept: DROP ... CASCADE drops it" "$out"
fi
out=$(kd_migrate -c "DROP TABLE kd_seq_owner")
if grep -q "not kept: other objects depend on it (default value for column id of table public.kd_seq_user)" <<<"$out" &&
    [ "$(setup_sql -c "SELECT count(*) FROM kd_seq_owner")" = 1 ]; then
    pass "a table whose sequence another table's default uses is not kept (and PostgreSQL refuses the DROP)"
else
    fail "a table whose sequence another table's default uses is not kept (and PostgreSQL refuses the DROP)" "$out"
fi
out=$(kd_migrate -c "DROP TABLE kd_parted")
if grep -q "not kept: a partitioned table or a partition" <<<"$out"; then
    pass "a partitioned table is not kept"
else
    fail "a partitioned table is not kept" "$out"
fi
out=$(kd_migrate -c "DROP TABLE kd_a, kd_b")
if grep -q "keeps the table of a DROP TABLE that names one: these 2 tables are dropped, not kept" <<<"$out"; then
    pass "a DROP TABLE of two tables drops them, saying so"
else
    fail "a DROP TABLE of two tables drops them, saying so" "$out"
fi
setup_sql -c "BEGIN" -c "CREATE TABLE kd_rolled (id int)" -c "INSERT INTO kd_rolled VALUES (1)" -c "COMMIT" >/dev/null
kd_migrate -c "BEGIN" -c "DROP TABLE kd_rolled" -c "ROLLBACK" >/dev/null
expect_equal "a DROP rolled back leaves the table where it was, and nothing kept" "1|0" \
    "$(setup_sql -c "SELECT (SELECT count(*) FROM kd_rolled) || '|' || (SELECT count(*) FROM migsafe.dropped WHERE table_name = 'kd_rolled')")"
out=$(PGOPTIONS="-c migsafe.keep_dropped=7d" psql -X -q -v VERBOSITY=verbose -h "$MIGSAFE_CLUSTER_DIR" -p "$PORT" \
    -U postgres -d "$DB" -c "DROP TABLE kd_rolled" 2>&1)
if grep -q "MS001" <<<"$out" && [ "$(setup_sql -c "SELECT count(*) FROM kd_rolled")" = 1 ]; then
    pass "without an approval, the DROP is refused as before: nothing kept, nothing dropped"
else
    fail "without an approval, the DROP is refused as before: nothing kept, nothing dropped" "$out"
fi

# ---- purge ---------------------------------------------------------------------------
kd_keep=1s kd_migrate -c "DROP TABLE kd_rolled" >/dev/null
short=$(kd_kept kd_rolled)
sleep 1.5
purged=$(setup_sql -c "SELECT string_agg(p, ',') FROM migsafe_purge() p")
if [ "$purged" = "$short" ] && [ -z "$(setup_sql -c "SELECT to_regclass('migsafe_dropped.$short')")" ] &&
    [ -n "$(setup_sql -c "SELECT to_regclass('migsafe_dropped.$second')")" ]; then
    pass "migsafe_purge() drops what is past its time, and only that"
else
    fail "migsafe_purge() drops what is past its time, and only that" "$purged ($short)"
fi
out=$(kd_app -c "SELECT migsafe_purge('$second')")
if grep -q "permission denied for function migsafe_purge" <<<"$out"; then
    pass "migsafe_purge() and migsafe_restore() are not for everyone"
else
    fail "migsafe_purge() and migsafe_restore() are not for everyone" "$out"
fi

# ---- migsafe_purge() from pg_cron, as docs/dba-guide.md says ---------------------------
# A cluster of its own, with pg_cron preloaded (it runs its jobs in
# background workers: the test clusters listen on no TCP port).
kd_cron=$WORK/keep-cron kd_cron_port=$((PORT + 6))
kd_cron_sql() {
    psql -X -q -At -v ON_ERROR_STOP=1 -h "$kd_cron" -p "$kd_cron_port" -U postgres -d postgres "$@" 2>&1
}
if ! cluster_start "$kd_cron" "$kd_cron_port" "-c shared_preload_libraries=pg_cron,migsafe" \
    "-c cron.database_name=postgres" "-c cron.use_background_workers=on" "-c max_worker_processes=16" \
    >"$WORK/keep-cron.out" 2>&1; then
    fail "a cluster with pg_cron starts" "$(cat "$WORK/keep-cron.out")"
else
    kd_cron_sql >/dev/null <<'SQL'
CREATE EXTENSION pg_cron;
CREATE EXTENSION migsafe;
CREATE TABLE kd_cron_t (id int);
INSERT INTO kd_cron_t VALUES (1);
SELECT migsafe_approve('kd_cron', 'pg_cron test', '1 hour');
SQL
    PGOPTIONS="-c migsafe.approved_migration=kd_cron -c migsafe.keep_dropped=1s" kd_cron_sql -c "DROP TABLE kd_cron_t" >/dev/null
    kept_cron=$(kd_cron_sql -c "SELECT kept_as FROM migsafe_dropped()")
    kd_cron_sql -c "SELECT cron.schedule('migsafe-purge', '* * * * *', 'SELECT migsafe_purge()')" >/dev/null
    # pg_cron's schedule has minutes: the job runs within one.
    for i in $(seq 80); do
        [ "$(kd_cron_sql -c "SELECT count(*) FROM cron.job_run_details WHERE status = 'succeeded'")" != 0 ] && break
        sleep 1
    done
    if [ -n "$kept_cron" ] && [ -z "$(kd_cron_sql -c "SELECT kept_as FROM migsafe_dropped()")" ] &&
        [ -z "$(kd_cron_sql -c "SELECT to_regclass('migsafe_dropped.$kept_cron')")" ]; then
        pass "migsafe_purge() scheduled with pg_cron drops the kept table once its time is past"
    else
        fail "migsafe_purge() scheduled with pg_cron drops the kept table once its time is past" \
            "kept: $kept_cron" "$(kd_cron_sql -c "SELECT status, return_message FROM cron.job_run_details")"
    fi
fi
cluster_stop "$kd_cron"
