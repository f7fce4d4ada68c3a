# Logical replication between two clusters of its own, both with migsafe
# preloaded in enforce mode and the by-effect threshold lowered to 5 rows:
# a change the publisher allowed (in a maintenance window) is applied on the
# subscriber as it is. The apply worker is never judged there: the publisher
# judged the statement, and a subscriber that stopped applying would fall
# behind for good. Sourced by run.

lr_pub=$WORK/lr-publisher lr_sub=$WORK/lr-subscriber
lr_pub_port=$((PORT + 41)) lr_sub_port=$((PORT + 42))
lr_options=(-c wal_level=logical -c shared_preload_libraries=migsafe -c migsafe.mass_change_min_rows=5)
lr_psql() {  # DIR PORT psql args...
    local dir=$1 port=$2; shift 2
    psql -X -q -At -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres "$@"
}
lr_stop() { cluster_stop "$lr_sub"; cluster_stop "$lr_pub"; }

# Bounded wait until the subscriber's table holds this many rows.
lr_wait_rows() {  # EXPECTED
    local i
    for i in $(seq 1 120); do
        [ "$(lr_psql "$lr_sub" "$lr_sub_port" -c "SELECT count(*) FROM lr" 2>/dev/null)" = "$1" ] && return 0
        sleep 0.5
    done
    return 1
}

if cluster_start "$lr_pub" "$lr_pub_port" "${lr_options[@]}" && cluster_start "$lr_sub" "$lr_sub_port" "${lr_options[@]}"; then
    pass "a publisher and a subscriber start with migsafe preloaded"
else
    fail "a publisher and a subscriber start with migsafe preloaded"
fi
lr_psql "$lr_pub" "$lr_pub_port" >/dev/null <<'SQL'
CREATE EXTENSION migsafe;
CREATE TABLE lr (id int PRIMARY KEY, val text);
INSERT INTO lr SELECT g, 'v' || g FROM generate_series(1, 20) g;
CREATE PUBLICATION lr_pub FOR TABLE lr;
SQL
lr_psql "$lr_sub" "$lr_sub_port" >/dev/null <<SQL
CREATE EXTENSION migsafe;
CREATE TABLE lr (id int PRIMARY KEY, val text);
CREATE SUBSCRIPTION lr_sub CONNECTION 'host=$lr_pub port=$lr_pub_port user=postgres dbname=postgres' PUBLICATION lr_pub;
SQL
if lr_wait_rows 20; then pass "the subscriber copies the table"; else fail "the subscriber copies the table"; fi

# The publisher judges: refused there without a window, data unchanged.
out=$(lr_psql "$lr_pub" "$lr_pub_port" -c "UPDATE lr SET val = 'overwritten'" 2>&1)
if grep -q "migsafe blocked update-without-where" <<<"$out"; then
    pass "the publisher refuses an UPDATE of every row"
else
    fail "the publisher refuses an UPDATE of every row" "$out"
fi
# In a window it runs there, and the subscriber applies every row of it.
lr_psql "$lr_pub" "$lr_pub_port" -c "SELECT migsafe_open_window('10 minutes', 'replication test', ARRAY['public.lr'])" >/dev/null
out=$(lr_psql "$lr_pub" "$lr_pub_port" -c "UPDATE lr SET val = 'overwritten'" -c "DELETE FROM lr WHERE id > 10" 2>&1)
expect_equal "the publisher runs them in its window" "" "$out"
lr_psql "$lr_pub" "$lr_pub_port" -c 'CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$DELETE FROM lr WHERE id > 0$$' \
    -c "SELECT purge()" >/dev/null 2>&1
if lr_wait_rows 0; then
    pass "the subscriber applies an overwrite of every row and the deletes of every row"
else
    fail "the subscriber applies an overwrite of every row and the deletes of every row" \
        "$(lr_psql "$lr_sub" "$lr_sub_port" -c "SELECT count(*) FROM lr" 2>&1)"
fi
expect_equal "the subscriber's apply worker still runs" t \
    "$(lr_psql "$lr_sub" "$lr_sub_port" -c "SELECT pid IS NOT NULL FROM pg_stat_subscription WHERE subname = 'lr_sub'" 2>&1)"
if grep -Eq "migsafe (blocked|would block|review)|MS001" "$lr_sub/server.log"; then
    fail "nothing of migsafe's in the subscriber's log" "$(grep -E "migsafe (blocked|would block|review)|MS001" "$lr_sub/server.log" | head -5)"
else
    pass "nothing of migsafe's in the subscriber's log"
fi
lr_psql "$lr_sub" "$lr_sub_port" -c "DROP SUBSCRIPTION lr_sub" >/dev/null 2>&1
lr_stop
