# pg_upgrade with migsafe preloaded on both sides: the restore in binary
# upgrade mode re-creates, then drops, dropped columns; the guard must stay
# silent there, and guard the new cluster afterwards. Sourced by run.

old=$WORK/upgrade-old new=$WORK/upgrade-new
old_port=$((PORT + 11)) new_port=$((PORT + 12))
preload="-c shared_preload_libraries=migsafe"
upsql() {  # PORT DIR psql args...
    local port=$1 dir=$2; shift 2
    psql -X -q -At -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres "$@"
}

upgrade_test() {
    MIGSAFE_CLUSTER_DIR=$old cluster_start "$old" "$old_port" "$preload" || return 1
    upsql "$old_port" "$old" -d postgres >/dev/null <<'SQL' || return 1
CREATE EXTENSION migsafe;
SET migsafe.session_script_window = 0;  -- kept stands for an existing table
CREATE TABLE kept (id int, gone text, name text);
INSERT INTO kept VALUES (1, 'x', 'ada');
SELECT migsafe_open_window('5 minutes', 'before the upgrade', ARRAY['kept']);
ALTER TABLE kept DROP COLUMN gone;
SELECT migsafe_close_window();
SELECT migsafe_protect('kept', 'survives the upgrade');
SQL
    as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$old/data" -m fast -w stop >/dev/null || return 1
    mkdir -p "$new" && { [ "$(id -u)" = 0 ] && chown postgres: "$new" || true; }
    as_cluster_owner "$PG_BINDIR/initdb" -D "$new/data" -U postgres -A trust --no-sync >/dev/null || return 1
    (cd "$new" && as_cluster_owner "$PG_BINDIR/pg_upgrade" -b "$PG_BINDIR" -B "$PG_BINDIR" \
        -d "$old/data" -D "$new/data" -p "$old_port" -P "$new_port" -s "$new" -U postgres \
        -o "$preload" -O "$preload" >"$WORK/pg_upgrade.out" 2>&1) || { cat "$WORK/pg_upgrade.out"; return 1; }
    as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$new/data" -l "$new/server.log" \
        -o "-p $new_port -k $new -c listen_addresses='' $preload" -w start >/dev/null || return 1
}

if upgrade_test; then
    pass "pg_upgrade succeeds with migsafe preloaded (a dropped column in the old cluster)"
    expect_equal "the upgraded cluster keeps the protection and the audit" "kept|1" \
        "$(upsql "$new_port" "$new" -d postgres -c "SELECT rel::text, (SELECT count(*) FROM migsafe.audit_log) FROM migsafe.protected_tables")"
    expect_blocked "the upgraded cluster guards" psql -X -q -v ON_ERROR_STOP=1 -h "$new" -p "$new_port" -U postgres \
        -d postgres -c 'ALTER TABLE kept ADD COLUMN x int'
else
    fail "pg_upgrade succeeds with migsafe preloaded (a dropped column in the old cluster)" "$(tail -20 "$WORK/pg_upgrade.out" 2>/dev/null)"
fi
as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$new/data" -m fast -w stop >/dev/null 2>&1
as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$old/data" -m fast -w stop >/dev/null 2>&1
