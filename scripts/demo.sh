#!/usr/bin/env bash
# make demo: the main job on the embedded database. Idempotent: run it again and nothing is duplicated.
#   1. start (or create) the private PostgreSQL under $ZHIBIAO_HOME, write $ZHIBIAO_HOME/env
#   2. migrate, submit seeds/ to the ingest queue (same bytes twice = already known)
#   3. (re)start both daemons in the background, wait until the queue is drained
#   4. print a summary answered by the reporting service (the region tree first), and how to query and stop
# scripts/demo.sh stop: stop both daemons and the private PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
home=${ZHIBIAO_HOME:-$root/.zhibiao}
mkdir -p "$home"
home=$(cd "$home" && pwd)
bin=$(swift build -c release --show-bin-path)
ingest="$bin/zhibiao-ingest"
report="$bin/zhibiao-report"

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

if [ "${1:-}" = stop ]; then
    stop_daemon zhibiao-report
    stop_daemon zhibiao-ingest
    scripts/pg-cluster.sh stop "$home"
    echo "stopped the Zhibiao daemons and the private PostgreSQL in $home"
    exit 0
fi

# The private cluster: each command logs in as its own role (migrate as the owner, ingest as zhibiao_ingest, the
# reporting server as zhibiao_reporting). With ZHIBIAO_DATABASE_URL set (the owner's login), the reporting server
# needs its own: ZHIBIAO_REPORT_DATABASE_URL, as zhibiao_reporting (docs/roles.md).
report_url=()
if [ -z "${ZHIBIAO_DATABASE_URL:-}" ]; then
    scripts/pg-cluster.sh start "$home"
    scripts/pg-cluster.sh env "$home" > "$home/env"
    # shellcheck disable=SC1091
    source "$home/env"
else
    echo "using ZHIBIAO_DATABASE_URL from the environment"
    [ -n "${ZHIBIAO_REPORT_DATABASE_URL:-}" ] \
        || { echo "demo: set ZHIBIAO_REPORT_DATABASE_URL too (the zhibiao_reporting login)" >&2; exit 2; }
    report_url=(--database-url "$ZHIBIAO_REPORT_DATABASE_URL")
fi
export ZHIBIAO_SOCKET=${ZHIBIAO_SOCKET:-$home/report.sock}

echo "== migrate"
"$ingest" migrate
echo "== submit seeds/"
"$ingest" submit seeds

echo "== daemons"
stop_daemon zhibiao-report
stop_daemon zhibiao-ingest
nohup "$ingest" serve >"$home/zhibiao-ingest.log" 2>&1 & echo $! > "$home/zhibiao-ingest.pid"
nohup "$report" serve "${report_url[@]}" >"$home/zhibiao-report.log" 2>&1 & echo $! > "$home/zhibiao-report.pid"
for _ in $(seq 1 100); do "$report" query ping >/dev/null 2>&1 && break; sleep 0.1; done
"$report" query ping >/dev/null || { echo "zhibiao-report did not start; see $home/zhibiao-report.log" >&2; exit 1; }
for _ in $(seq 1 300); do
    "$ingest" status --json | python3 -c 'import json,sys; s=json.load(sys.stdin)["states"]; sys.exit(0 if s.get("available",0)+s.get("running",0)==0 else 1)' && break
    sleep 0.1
done
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
  query:   source $home/env && $report query facts --param indicator=gdp --table
           echo '{"id":1,"method":"describe"}' | socat - UNIX-CONNECT:$ZHIBIAO_SOCKET
  submit:  $ingest submit PATH...
  stop:    make stop
EOF2
