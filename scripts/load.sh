#!/usr/bin/env bash
# make load: the reporting daemon under sustained load (issue 7, "Load"). A release build, a throwaway PostgreSQL
# cluster in /tmp (removed at the end, pass or fail), the seeds migrated, submitted and ingested, `zhibiao-report
# serve` on a private socket, then LOAD_CONNECTIONS concurrent clients (default 64) for LOAD_SECONDS (default 60,
# at most 600) after LOAD_WARMUP seconds (default 5) on a mix of every read method with parameters that exist in
# the seeds. The daemon's resident set (VmRSS) is sampled right after the warm-up and at the end.
#
# Fails when any reply is an error, any connection fails, or the end RSS exceeds the post-warm-up RSS by more
# than LOAD_RSS_TOLERANCE_PCT (default 10). Prints requests/s, p50/p99 and both RSS figures.
#   LOAD_SCRATCH   swift build --scratch-path (default .build)
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${LOAD_CONNECTIONS:-64}
DURATION=${LOAD_SECONDS:-60}
WARMUP=${LOAD_WARMUP:-5}
TOLERANCE=${LOAD_RSS_TOLERANCE_PCT:-10}
SCRATCH=${LOAD_SCRATCH:-.build}
case "$DURATION" in ''|*[!0-9]*) echo "load: LOAD_SECONDS must be whole seconds" >&2; exit 2;; esac
case "$WARMUP" in ''|*[!0-9]*) echo "load: LOAD_WARMUP must be whole seconds" >&2; exit 2;; esac
if [ "$DURATION" -lt 1 ] || [ "$DURATION" -gt 600 ] || [ "$WARMUP" -gt 60 ]; then
    echo "load: LOAD_SECONDS must be 1…600 and LOAD_WARMUP 0…60" >&2; exit 2
fi

swift build -c release --scratch-path "$SCRATCH" >/dev/null
bin=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)
# shellcheck source=scripts/lib/throwaway-cluster.sh
source scripts/lib/throwaway-cluster.sh
report_pid=""
bench_pid=""
# shellcheck disable=SC2016  # expanded at exit
at_exit '[ -z "$report_pid" ] || { kill -TERM "$report_pid" 2>/dev/null && wait "$report_pid" 2>/dev/null; }'
# shellcheck disable=SC2016
at_exit '[ -z "$bench_pid" ] || kill "$bench_pid" 2>/dev/null'
throwaway_cluster load
log_in_as_roles
psql_=(psql -X -q -v ON_ERROR_STOP=1 -h "$work/sock" -U postgres -d zhibiao -tA)

echo "load: ingesting the seeds" >&2
"$bin/zhibiao-ingest" migrate >/dev/null
"$bin/zhibiao-ingest" submit seeds >/dev/null
"$bin/zhibiao-ingest" serve --once >/dev/null 2>&1
facts=$("${psql_[@]}" -c "SELECT count(*) FROM zhibiao.facts")
[ "$facts" -gt 0 ] || { echo "load: no facts after ingesting the seeds" >&2; exit 1; }

socket="$work/r.sock"
"$bin/zhibiao-report" serve --socket "$socket" >"$work/report.log" 2>&1 &
report_pid=$!
for _ in $(seq 1 100); do "$bin/zhibiao-report" query ping --socket "$socket" >/dev/null 2>&1 && break; sleep 0.1; done
"$bin/zhibiao-report" query ping --socket "$socket" >/dev/null || { cat "$work/report.log" >&2; exit 1; }

# Parameters taken from what the seeds produced, so every request in the mix has a legitimate non-error answer.
fact=$("${psql_[@]}" -c "SELECT min(id) FROM zhibiao.facts")
document=$("${psql_[@]}" -c "SELECT min(id) FROM zhibiao.documents")
indicator=$("${psql_[@]}" -c "SELECT indicator FROM zhibiao.facts WHERE kind = 'actual' AND indicator IS NOT NULL AND value IS NOT NULL
    GROUP BY indicator ORDER BY count(*) DESC, indicator LIMIT 1")
read -r year region < <("${psql_[@]}" -F ' ' -c "SELECT year, region_code FROM zhibiao.facts
    WHERE indicator = '$indicator' AND kind = 'actual' ORDER BY year DESC, region_code LIMIT 1")
requests=(
    '{"id":1,"method":"ping"}'
    '{"id":2,"method":"describe"}'
    '{"id":3,"method":"regions"}'
    '{"id":4,"method":"regions","params":{"root":"'"$region"'"}}'
    '{"id":5,"method":"indicators","params":{"limit":10}}'
    '{"id":6,"method":"facts","params":{"indicator":"'"$indicator"'","limit":50}}'
    '{"id":7,"method":"facts","params":{"region":"'"$region"'","year":'"$year"'}}'
    '{"id":8,"method":"series","params":{"indicator":"'"$indicator"'"}}'
    '{"id":9,"method":"series","params":{"indicator":"'"$indicator"'","region":"'"$region"'"}}'
    '{"id":10,"method":"compare","params":{"indicator":"'"$indicator"'","year":'"$year"'}}'
    '{"id":11,"method":"targets"}'
    '{"id":12,"method":"targets","params":{"region":"'"$region"'"}}'
    '{"id":13,"method":"summary"}'
    '{"id":14,"method":"summary","params":{"region":"'"$region"'","year":'"$year"'}}'
    '{"id":15,"method":"documents","params":{"limit":5}}'
    '{"id":16,"method":"document","params":{"id":'"$document"'}}'
    '{"id":17,"method":"explain","params":{"fact":'"$fact"'}}'
)
# Preflight: each request once, and none may be an error (else the mix itself is wrong, not the server).
for request in "${requests[@]}"; do
    reply=$(python3 - "$socket" "$request" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
data = b""
while not data.endswith(b"\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
print(data.decode().strip()[:300])
PY
)
    case "$reply" in
        *'"result":'*) ;;
        *) echo "load: preflight request failed: $request -> $reply" >&2; exit 1;;
    esac
done
request_args=()
for request in "${requests[@]}"; do request_args+=(--request "$request"); done

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$report_pid/status"; }
echo "load: $CONNECTIONS connections, ${WARMUP} s warm-up + ${DURATION} s on ${#requests[@]} request kinds" >&2
"$bin/zhibiao-bench" load --socket "$socket" --connections "$CONNECTIONS" --duration "$DURATION" \
    --warmup "$WARMUP" "${request_args[@]}" >"$work/load.json" &
bench_pid=$!
# The RSS right after the warm-up (the bench starts measuring then) and right before the run ends.
sleep "$WARMUP"
rss_warm=$(rss_kb)
sleep "$(python3 -c "print(max($DURATION - 1, 0.5))")"
rss_end=$(rss_kb)
bench_status=0
wait "$bench_pid" || bench_status=$?
bench_pid=""
kill -0 "$report_pid" 2>/dev/null || { echo "load: the daemon died" >&2; cat "$work/report.log" >&2; exit 1; }
rss_after=$(rss_kb)

python3 - "$work/load.json" "$rss_warm" "$rss_end" "$rss_after" "$TOLERANCE" "$bench_status" <<'PY'
import json, sys
path, warm, end, after, tolerance, status = sys.argv[1], *map(int, sys.argv[2:6]), int(sys.argv[6])
text = open(path).read().strip()
if not text:
    print(f"load: zhibiao-bench printed nothing (exit {status})")
    sys.exit(1)
r = json.loads(text)
growth = 100.0 * (end - warm) / warm
print(f"requests        {r['requests']} in {r['seconds']:.0f} s on {r['connections']} connections")
print(f"throughput      {r['requests_per_s']:.0f} req/s")
print(f"latency         p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, max {r['max_ms']:.2f} ms")
print(f"errors          {r['error_replies']} error replies, {r['connection_failures']} connection failures"
      + (f" (first: {r['first_failure']})" if r['first_failure'] else ""))
print(f"daemon RSS      {warm / 1024:.1f} MiB after warm-up, {end / 1024:.1f} MiB at the end "
      f"({growth:+.1f} %, limit +{tolerance} %); {after / 1024:.1f} MiB once idle")
failures = []
if status != 0: failures.append(f"zhibiao-bench exited {status}")
if r["error_replies"]: failures.append(f"{r['error_replies']} error replies")
if r["connection_failures"]: failures.append(f"{r['connection_failures']} connection failures")
if r["requests"] == 0: failures.append("no requests completed")
if growth > tolerance: failures.append(f"RSS grew {growth:.1f} % (> {tolerance} %)")
if failures:
    print("load: FAIL: " + "; ".join(failures))
    sys.exit(1)
print("load: PASS")
PY
