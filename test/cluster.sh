# Throwaway PostgreSQL 15 clusters for tests, benchmarks and the demo.
# Source this file, then:
#   cluster_start DIR PORT [postgres -c options...]   initdb + start (as "postgres" when run as root)
#   cluster_stop DIR
#   cluster_psql PORT [psql args...]
# The socket lives in DIR, so nothing touches a system cluster.

PG_BINDIR=${PG_BINDIR:-$(pg_config --bindir)}

as_cluster_owner() {
    if [ "$(id -u)" != 0 ]; then "$@"; return; fi
    # PostgreSQL's programs find their own path by way of the current
    # directory and warn "could not change directory" when postgres cannot
    # enter it (a clone in root's home): run them from / then. Where it can,
    # stay: pg_upgrade writes its files there.
    if runuser -u postgres -- test -x "$PWD" 2>/dev/null; then
        runuser -u postgres -- "$@"
    else
        (cd / && runuser -u postgres -- "$@")
    fi
}

cluster_start() {
    local dir=$1 port=$2; shift 2
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_cluster_owner "$PG_BINDIR/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log"; return 1; }
    local options="-p $port -k $dir -c listen_addresses='' -c fsync=off"
    local option
    for option in "$@"; do options+=" $option"; done
    as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$options" -w start >/dev/null ||
        { cat "$dir/server.log"; return 1; }
}

cluster_stop() {
    local dir=$1
    [ -d "$dir/data" ] && as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
    rm -rf "$dir"
}

cluster_psql() {
    local port=$1; shift
    psql -X -v ON_ERROR_STOP=1 -h "$MIGSAFE_CLUSTER_DIR" -p "$port" -U postgres "$@"
}
