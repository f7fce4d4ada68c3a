# shellcheck shell=bash
# Shared by the benchmark scripts: statistics, instruction counts under
# callgrind, the machine line. Source it after setting root.
#   stats DECIMALS VALUE...           "median min max"
#   ratio A B                         A / B, three decimals
#   callgrind_restart DIR PORT [postgres -c options...]
#       stops the cluster of test/cluster.sh in DIR and starts its postmaster
#       again under callgrind: every process it forks writes DIR/callgrind.PID
#       when it exits. PostgreSQL forks without exec, so a backend's counts
#       start with what the postmaster had counted when it forked: measure a
#       backend that only connects too, and subtract.
#   cluster_halt DIR                  stops the cluster, keeps DIR
#   cluster_discard DIR               stops it if it runs, removes DIR (for traps)
#   instructions FILE                 the instructions a callgrind output counts
#   callgrind_breakdown FILE BASE     markdown rows: migsafe's functions in FILE
#       by inclusive instructions, largest first, and their share of BASE
#   machine_line                      cores, memory, Debian, PostgreSQL, load
source "$root/test/cluster.sh"

stats() {
    local decimals=$1; shift
    printf '%s\n' "$@" | sort -g | awk -v d="$decimals" '{v[NR]=$1}
        END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2;
             printf "%.*f %.*f %.*f", d, m, d, v[1], d, v[NR]}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }

# Millions, one decimal, for instruction counts.
millions() { awk -v n="$1" 'BEGIN {printf "%.1f M", n / 1e6}'; }

cluster_halt() {
    [ -f "$1/data/postmaster.pid" ] || return 0
    as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null
}

# cluster_stop fails (and under set -e, ends a trap early) when the server
# is already down: a halted cluster is still removed.
cluster_discard() {
    cluster_stop "$1" || true
    rm -rf "$1"
}

callgrind_restart() {
    local dir=$1 port=$2; shift 2
    cluster_halt "$dir"
    # pg_ctl starts "its" postgres through a shell: give it one that runs the
    # real binary under callgrind (argv[0] stays the binary's path, so the
    # server still finds its lib and share directories).
    cat >"$dir/postgres-under-callgrind" <<EOF
#!/bin/sh
exec valgrind --tool=callgrind -q --callgrind-out-file=$dir/callgrind.%p "$PG_BINDIR/postgres" "\$@"
EOF
    chmod 755 "$dir/postgres-under-callgrind"
    # Autovacuum off: its workers would only compete for the two cores.
    local options="-p $port -k $dir -c listen_addresses='' -c fsync=off -c autovacuum=off $*"
    as_cluster_owner "$PG_BINDIR/pg_ctl" -D "$dir/data" -p "$dir/postgres-under-callgrind" -t 600 \
        -l "$dir/server.log" -o "$options" -w start >/dev/null || { cat "$dir/server.log"; return 1; }
}

instructions() { sed -n 's/^summary: //p' "$1"; }

# Left out: the utility hook itself (it runs the statement too), pg_try (under
# every call into PostgreSQL), recursive calls and template instances (the
# lambdas that wrap calls). MIGSAFE_BENCH_TOP rows (15).
callgrind_breakdown() {
    callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
        grep 'migsafe\.so\]' | grep -v -E "'[0-9]+ \[" | sed -E 's/\(anonymous namespace\)::|migsafe::|\[abi:cxx11\]//g' |
        sed -nE "s/^ *([0-9,]+) +(\([^)]*\) +)?[^ :]*:([^ (<']+)(\(| \[).*/\\1 \\3/p" |
        grep -v -E ' (hooks::process_utility|pg_try)$' | awk -v n="${MIGSAFE_BENCH_TOP:-15}" '!seen[$2]++ && ++rows <= n' |
        while read -r count name; do
            count=${count//,/}
            printf '| `%s` | %s | %s %% |\n' "$name" "$(millions "$count")" \
                "$(awk -v c="$count" -v b="$2" 'BEGIN {printf "%.1f", 100 * c / b}')"
        done
}

machine_line() {
    local memory debian postgres
    memory=$(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
    debian=$(cat /etc/debian_version 2>/dev/null || echo "?")
    postgres=$("$PG_BINDIR/postgres" --version | awk '{print $3}')
    echo "$(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $memory," \
        "Debian $debian, PostgreSQL $postgres; load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
