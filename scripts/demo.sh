#!/usr/bin/env bash
# make demo: the main job on the embedded database. Idempotent: run it again and nothing is duplicated.
#   1. start (or create) the private PostgreSQL under $ZHIBIAO_HOME, write $ZHIBIAO_HOME/env (settings and PATH)
#   2. migrate, submit seeds/ to the ingest queue (same bytes twice = already known)
#   3. (re)start both daemons in the background, wait until the queue is drained (or say why it stopped waiting)
#   4. print a summary answered by the reporting service (the region tree first), how to query and stop, and
#      write the 上街区 page
# scripts/demo.sh stop | restart | logs | env: stop both daemons and the private PostgreSQL; restart the daemons;
# show the end of their logs; only write $ZHIBIAO_HOME/env. ZHIBIAO_BIN: the binaries' folder (default: release).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
home=${ZHIBIAO_HOME:-$root/.zhibiao}
mkdir -p "$home"
home=$(cd "$home" && pwd)
bin=${ZHIBIAO_BIN:-$(swift build -c release --show-bin-path)}
ingest="$bin/zhibiao-ingest"
report="$bin/zhibiao-report"
wait_seconds=${ZHIBIAO_DEMO_WAIT:-60}

stop_daemon() {  # name
    local pidfile="$home/$1.pid"
    [ -f "$pidfile" ] || return 0
    local pid; pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$pidfile"
}

# $home/env: the database and socket settings, and the binaries on PATH, for `source $home/env`.
write_env() {
    {
        if [ -z "${ZHIBIAO_DATABASE_URL:-}" ]; then
            scripts/pg-cluster.sh env "$home"
        else
            printf 'export ZHIBIAO_HOME=%q\nexport ZHIBIAO_DATABASE_URL=%q\n' "$home" "$ZHIBIAO_DATABASE_URL"
            printf 'export ZHIBIAO_SOCKET=%q\n' "${ZHIBIAO_SOCKET:-$home/report.sock}"
            [ -z "${ZHIBIAO_REPORT_DATABASE_URL:-}" ] ||
                printf 'export ZHIBIAO_REPORT_DATABASE_URL=%q\n' "$ZHIBIAO_REPORT_DATABASE_URL"
        fi
        # shellcheck disable=SC2016  # $PATH is for the shell that sources the file
        printf 'case ":$PATH:" in *:%q:*) ;; *) export PATH=%q:"$PATH" ;; esac\n' "$bin" "$bin"
    } > "$home/env"
}

# Starts both daemons in the background (the reporting server with `report_url`, its own login when one is given)
# and waits until the reporting socket answers and the ingest daemon is listed as running by `status`.
start_daemons() {
    stop_daemon zhibiao-report
    stop_daemon zhibiao-ingest
    nohup "$ingest" serve >"$home/zhibiao-ingest.log" 2>&1 & echo $! > "$home/zhibiao-ingest.pid"
    nohup "$report" serve "${report_url[@]}" >"$home/zhibiao-report.log" 2>&1 & echo $! > "$home/zhibiao-report.pid"
    for _ in $(seq 1 100); do "$report" query ping >/dev/null 2>&1 && break; sleep 0.1; done
    "$report" query ping >/dev/null ||
        { echo "zhibiao-report did not answer within 10 s; its log: $home/zhibiao-report.log" >&2; exit 1; }
    local pid; pid=$(cat "$home/zhibiao-ingest.pid")
    for _ in $(seq 1 100); do
        "$ingest" status --json | python3 -c 'import json,sys; sys.exit(0 if any(d["running"] and d["pid"] == int(sys.argv[1]) for d in json.load(sys.stdin)["daemons"]) else 1)' "$pid" && return
        sleep 0.1
    done
    echo "zhibiao-ingest (pid $pid) is not running after 10 s; its log: $home/zhibiao-ingest.log" >&2
    exit 1
}

# Waits until no message is available or running, at most $wait_seconds; says how the wait ended.
wait_for_queue() {
    local start=$SECONDS pending
    while :; do
        pending=$("$ingest" status --json | python3 -c 'import json,sys; s=json.load(sys.stdin)["states"]; print(s["available"]+s["running"])')
        if [ "$pending" = 0 ]; then
            echo "the queue is drained ($((SECONDS - start)) s)"
            return
        fi
        if ! kill -0 "$(cat "$home/zhibiao-ingest.pid")" 2>/dev/null; then
            echo "stopped waiting: zhibiao-ingest exited with $pending messages left; its log: $home/zhibiao-ingest.log" >&2
            return
        fi
        if [ $((SECONDS - start)) -ge "$wait_seconds" ]; then
            echo "stopped waiting after ${wait_seconds} s: $pending messages still queued or running; the daemon" \
                 "goes on in the background (make logs, zhibiao-ingest status; ZHIBIAO_DEMO_WAIT=N waits longer)"
            return
        fi
        sleep 0.2
    done
}

case "${1:-}" in
    stop)
        stop_daemon zhibiao-report
        stop_daemon zhibiao-ingest
        scripts/pg-cluster.sh stop "$home"
        echo "stopped the Zhibiao daemons and the private PostgreSQL in $home"
        exit 0 ;;
    logs)
        for name in zhibiao-ingest zhibiao-report; do
            echo "== $home/$name.log (last 40 lines; follow with: tail -F $home/$name.log)"
            tail -n 40 "$home/$name.log" 2>/dev/null || echo "(no log yet: run make demo)"
        done
        exit 0 ;;
    env)
        write_env
        echo "wrote $home/env"
        exit 0 ;;
esac

# The private cluster: each command logs in as its own role (migrate as the owner, ingest as zhibiao_ingest, the
# reporting server as zhibiao_reporting). With ZHIBIAO_DATABASE_URL set (the owner's login), the reporting server
# needs its own: ZHIBIAO_REPORT_DATABASE_URL, as zhibiao_reporting (docs/roles.md).
report_url=()
if [ -z "${ZHIBIAO_DATABASE_URL:-}" ]; then
    scripts/pg-cluster.sh start "$home"
else
    echo "using ZHIBIAO_DATABASE_URL from the environment"
    [ -n "${ZHIBIAO_REPORT_DATABASE_URL:-}" ] \
        || { echo "demo: set ZHIBIAO_REPORT_DATABASE_URL too (the zhibiao_reporting login)" >&2; exit 2; }
    report_url=(--database-url "$ZHIBIAO_REPORT_DATABASE_URL")
fi
write_env
# shellcheck disable=SC1091
source "$home/env"

if [ "${1:-}" = restart ]; then
    start_daemons
    echo "restarted zhibiao-ingest (pid $(cat "$home/zhibiao-ingest.pid")) and zhibiao-report (pid $(cat "$home/zhibiao-report.pid"))"
    exit 0
fi

echo "== migrate"
"$ingest" migrate
echo "== submit seeds/"
"$ingest" submit seeds

echo "== daemons"
start_daemons
wait_for_queue
"$ingest" status

echo
echo "== what the reporting service answers"
{
    "$report" query regions
    "$report" query summary
    "$report" query targets
    "$report" query series --param indicator=industrial_output
} | python3 scripts/demo_summary.py
cat <<EOF2

Zhibiao is running: ingest and reporting daemons on the private PostgreSQL in $home.
  use:     source $home/env    (the settings, and zhibiao-ingest and zhibiao-report on PATH)
  query:   zhibiao-report query series --param indicator=gdp --format table
           echo '{"id":1,"method":"describe"}' | socat - UNIX-CONNECT:$ZHIBIAO_SOCKET
  submit:  zhibiao-ingest submit PATH...
  more:    make help, make logs, make restart, make stop
EOF2

echo
echo "== the 上街区 page"
"$report" page --region 上街区 --output "$home/pages/上街区"
