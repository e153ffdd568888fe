#!/usr/bin/env bash
# A private PostgreSQL cluster that listens only on a Unix socket.
#
#   scripts/pg-cluster.sh start  DIR   create DIR/pg on first use, start it, create database "zhibiao"
#   scripts/pg-cluster.sh stop   DIR   fast shutdown (no error when it is not running)
#   scripts/pg-cluster.sh restart DIR
#   scripts/pg-cluster.sh status DIR   exit 0 when it accepts connections
#   scripts/pg-cluster.sh env    DIR   the export lines a shell can eval or source (ZHIBIAO_HOME, not a database
#                                      URL: each command then logs in as its own role, see docs/roles.md)
#
# Layout: DIR/pg (data, 0700), DIR/sock (socket directory), DIR/pg.log. PostgreSQL refuses to run as root, so when
# this runs as root the server runs as the "postgres" user that Debian's package creates, and owns DIR/pg and DIR/sock.
set -euo pipefail

command=${1:?usage: pg-cluster.sh start|stop|restart|status|env DIR}
dir=${2:?usage: pg-cluster.sh start|stop|restart|status|env DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/pg"
sock="$dir/sock"
log="$dir/pg.log"
# `|| true`: no PostgreSQL installed must reach the message below, not end the script under pipefail.
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -x "$bin/pg_ctl" ] || { echo "pg-cluster: PostgreSQL server binaries not found (apt-get install postgresql-15)" >&2; exit 1; }

as_server() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ready() { "$bin/pg_isready" -q -h "$sock" -U postgres -d postgres; }

# The server log's last lines, for a failure: the callers remove DIR (and the log with it) when they stop.
log_tail() { echo "pg-cluster: last lines of $log:" >&2; tail -n 20 "$log" >&2 2>/dev/null || true; }

init() {
    [ -f "$data/PG_VERSION" ] && return 0
    if [ "$(id -u)" = 0 ]; then
        # The server user must be able to reach DIR through its parents.
        p="$dir"; while [ "$p" != / ]; do chmod o+x "$p" 2>/dev/null || true; p=$(dirname "$p"); done
        install -d -o postgres -g postgres -m 700 "$data"
        install -d -o postgres -g postgres -m 755 "$sock"
        touch "$log" && chown postgres:postgres "$log"
    else
        install -d -m 700 "$data"
        install -d -m 755 "$sock"
    fi
    as_server "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
}

start() {
    init
    if ! ready; then
        as_server "$bin/pg_ctl" -D "$data" -l "$log" -s -w -t 60 \
            -o "-c listen_addresses='' -c unix_socket_directories='$sock' -c max_connections=300 -c fsync=${ZHIBIAO_PG_FSYNC:-on}" start ||
            { log_tail; exit 1; }
    fi
    for _ in $(seq 1 100); do ready && break; sleep 0.1; done
    ready || { echo "pg-cluster: server in $data did not become ready" >&2; log_tail; exit 1; }
    if [ "$("$bin/psql" -h "$sock" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'zhibiao'")" != 1 ]; then
        "$bin/createdb" -h "$sock" -U postgres zhibiao
    fi
}

stop() {
    [ -f "$data/postmaster.pid" ] || return 0
    as_server "$bin/pg_ctl" -D "$data" -m fast -s -w stop || true
}

case "$command" in
    start) start ;;
    stop) stop ;;
    restart) stop; start ;;
    status) ready ;;
    env)
        cat <<ENV
export ZHIBIAO_HOME='$dir'
unset ZHIBIAO_DATABASE_URL
export ZHIBIAO_SOCKET='$dir/report.sock'
ENV
        ;;
    *) echo "pg-cluster: unknown command $command" >&2; exit 2 ;;
esac
