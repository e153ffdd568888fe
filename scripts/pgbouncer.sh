#!/usr/bin/env bash
# pgbouncer in transaction pooling mode in front of a private cluster (scripts/pg-cluster.sh), on a Unix socket only.
#
#   scripts/pgbouncer.sh start DIR PGSOCK [POOL]   DIR/bouncer.ini, listening on DIR/bouncer-sock (port 6432),
#                                                  forwarding every database to the server on PGSOCK with POOL
#                                                  server sessions per database and user (default 10)
#   scripts/pgbouncer.sh stop  DIR
#
# Debian 12's pgbouncer 1.18 does not carry protocol-level prepared statements across server sessions (1.21 does):
# the services connect through it with `--prepared-statements off` (docs/scale.md). Authentication is `trust`, as the
# private cluster's; the roles must still be listed in the auth file. pgbouncer refuses to run as root: as root it
# runs as "postgres", as the cluster does.
set -euo pipefail
command=${1:?usage: pgbouncer.sh start DIR PGSOCK [POOL] | stop DIR}
dir=${2:?usage: pgbouncer.sh start DIR PGSOCK [POOL] | stop DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
as_server() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$command" in
start)
    pgsock=${3:?usage: pgbouncer.sh start DIR PGSOCK [POOL]}
    command -v pgbouncer >/dev/null ||
        { echo "pgbouncer.sh: pgbouncer not found (apt-get install pgbouncer)" >&2; exit 1; }
    install -d -m 755 "$dir/bouncer-sock"
    printf '"%s" ""\n' postgres zhibiao_ingest zhibiao_reporting >"$dir/bouncer-users.txt"
    cat >"$dir/bouncer.ini" <<INI
[databases]
* = host=$pgsock
[pgbouncer]
listen_addr =
listen_port = 6432
unix_socket_dir = $dir/bouncer-sock
auth_type = trust
auth_file = $dir/bouncer-users.txt
pool_mode = transaction
default_pool_size = ${4:-10}
max_client_conn = 500
logfile = $dir/bouncer.log
pidfile = $dir/bouncer.pid
INI
    if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$dir"; fi  # its log, pid file and socket
    as_server pgbouncer -d -q "$dir/bouncer.ini"
    for _ in $(seq 1 100); do
        [ -S "$dir/bouncer-sock/.s.PGSQL.6432" ] && [ -s "$dir/bouncer.pid" ] && exit 0
        sleep 0.05
    done
    echo "pgbouncer.sh: pgbouncer did not start; its log:" >&2; tail -n 20 "$dir/bouncer.log" >&2; exit 1
    ;;
stop)
    [ -f "$dir/bouncer.pid" ] || exit 0
    pid=$(cat "$dir/bouncer.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
    ;;
*) echo "pgbouncer.sh: unknown command $command" >&2; exit 2 ;;
esac
