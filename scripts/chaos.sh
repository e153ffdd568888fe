#!/usr/bin/env bash
# make chaos: faults while documents flow, then proof that nothing was lost or done twice.
#   A clean run ingests N documents (the seeds with varied figures) into database "clean".
#   The chaos run ingests the same N plus a few poison messages (undecodable bytes) into database "chaos" while
#   ingest daemons are killed with SIGKILL at random moments, several times, and PostgreSQL is restarted once.
#   Checks: every good document exactly once with the clean run's fact count, each poison message discarded
#   with its errors, and the reporting service answering the same for both databases.
# Bounded: every wait has a deadline; the cluster lives in /tmp and is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
trap 'echo "chaos: line $LINENO failed (exit $?): $BASH_COMMAND" >&2' ERR
DOCUMENTS=${CHAOS_DOCUMENTS:-2000}
POISON=${CHAOS_POISON:-4}
KILLS=${CHAOS_KILLS:-5}
DEADLINE=${CHAOS_DEADLINE:-600}

bin=${ZHIBIAO_BIN:-$(swift build --show-bin-path)}
# shellcheck source=scripts/lib/throwaway-cluster.sh
source scripts/lib/throwaway-cluster.sh
pids=()
# The logs go with $work: on a failure, show their ends first.
show_logs() {
    [ "$exit_status" -ne 0 ] || return 0
    for log in "$work"/clean.log "$work"/chaos.log "$work"/report.log "$work"/pg.log; do
        [ -s "$log" ] || continue
        echo "chaos: last lines of $(basename "$log"):" >&2
        tail -n 15 "$log" >&2
    done
}
at_exit show_logs
# shellcheck disable=SC2016  # expanded at exit
at_exit 'for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done'
throwaway_cluster chaos
# Each command logs in as its own role (docs/roles.md): migrate as the owner, ingest as zhibiao_ingest, the
# reporting server as zhibiao_reporting; the checks below read as the owner.
owner="host=$work/sock user=postgres"
ingest="host=$work/sock user=zhibiao_ingest"
psql_() { psql -X -q -tA -v ON_ERROR_STOP=1 -h "$work/sock" -U postgres -d "$1" -c "$2"; }
psql_ zhibiao "CREATE DATABASE clean" >/dev/null
psql_ zhibiao "CREATE DATABASE chaos" >/dev/null
export ZHIBIAO_LOG_LEVEL=warning
fail() { echo "chaos: FAIL: $*" >&2; exit 1; }
deadline=$(( $(date +%s) + DEADLINE ))
in_time() { [ "$(date +%s)" -lt "$deadline" ] || fail "deadline of ${DEADLINE}s passed"; }

python3 scripts/make_documents.py "$work/docs" "$DOCUMENTS"

echo "chaos: clean run of $DOCUMENTS documents"
"$bin/zhibiao-ingest" migrate --database-url "$owner dbname=clean" >/dev/null
"$bin/zhibiao-ingest" submit --database-url "$ingest dbname=clean" "$work/docs" >/dev/null
"$bin/zhibiao-ingest" serve --once --workers 2 --database-url "$ingest dbname=clean" >"$work/clean.log" 2>&1

echo "chaos: the same documents and $POISON poison messages, $KILLS SIGKILLs and one PostgreSQL restart"
chaos_url="$ingest dbname=chaos"
"$bin/zhibiao-ingest" migrate --database-url "$owner dbname=chaos" >/dev/null
"$bin/zhibiao-ingest" submit --database-url "$chaos_url" "$work/docs" >/dev/null
# Poison: bytes that are neither UTF-8, UTF-16 nor GB18030, one distinct byte each. `submit` refuses such files by
# their content, so they come as another producer's would, with the documented INSERT.
for i in $(seq 1 "$POISON"); do
    psql_ chaos "INSERT INTO zhibiao.ingest_queue (bytes, source_name, max_attempts)
                 VALUES ('\\x80ff00c328a0a1$(printf %02x "$i")'::bytea, 'poison-$i.bin', 3)" >/dev/null
done
serve=("$bin/zhibiao-ingest" serve --workers 2 --max-attempts 3 --backoff-base 0.05 --poll-interval 0.2
       --database-url "$chaos_url")
start_daemon() { "${serve[@]}" >>"$work/chaos.log" 2>&1 & pids+=($!); echo $!; }
pending() { psql_ chaos "SELECT count(*) FROM zhibiao.ingest_queue WHERE state IN ('available', 'running')" 2>/dev/null || echo 1; }
stored() { psql_ chaos "SELECT count(*) FROM zhibiao.documents" 2>/dev/null || echo 0; }
# Lets the daemon make real progress (a random 20–150 more documents) before the next fault lands.
progress() {
    local goal=$(( $(stored) + 20 + RANDOM % 131 ))
    while [ "$(stored)" -lt "$goal" ] && [ "$(pending)" != 0 ]; do in_time; sleep 0.05; done
}
daemon=$(start_daemon)
for kill in $(seq 1 "$KILLS"); do
    progress
    kill -KILL "$daemon" 2>/dev/null || true
    wait "$daemon" 2>/dev/null || true
    echo "chaos:   SIGKILL $kill at $(stored) documents"
    daemon=$(start_daemon)
    if [ "$kill" = $(( (KILLS + 1) / 2 )) ]; then
        progress
        scripts/pg-cluster.sh restart "$work" >/dev/null
        echo "chaos:   PostgreSQL restarted at $(stored) documents while the daemon served"
    fi
done
until [ "$(pending)" = 0 ]; do in_time; sleep 0.5; done
kill -TERM "$daemon"; wait "$daemon" 2>/dev/null || true

echo "chaos: checks"
clean_docs=$(psql_ clean "SELECT count(*) FROM zhibiao.documents")
chaos_docs=$(psql_ chaos "SELECT count(*) FROM zhibiao.documents")
clean_facts=$(psql_ clean "SELECT count(*) FROM zhibiao.facts")
chaos_facts=$(psql_ chaos "SELECT count(*) FROM zhibiao.facts")
[ "$clean_docs" = "$DOCUMENTS" ] || fail "clean run stored $clean_docs documents, not $DOCUMENTS"
[ "$chaos_docs" = "$clean_docs" ] || fail "chaos run stored $chaos_docs documents, clean run $clean_docs"
[ "$chaos_facts" = "$clean_facts" ] || fail "chaos run stored $chaos_facts facts, clean run $clean_facts"
done_=$(psql_ chaos "SELECT count(*) FROM zhibiao.ingest_queue WHERE state = 'done'")
[ "$done_" = "$DOCUMENTS" ] || fail "$done_ messages done, expected $DOCUMENTS"
discarded=$(psql_ chaos "SELECT count(*) FROM zhibiao.ingest_queue WHERE state = 'discarded' AND jsonb_array_length(errors) > 0")
[ "$discarded" = "$POISON" ] || fail "$discarded poison messages discarded with errors, expected $POISON"
echo "chaos:   $chaos_docs documents and $chaos_facts facts, as in the clean run; $discarded poison discarded with errors"

# The reporting service answers the same for both databases (ids, timestamps, as_of and generation aside).
answers() {  # database
    local sock="$work/$1.sock"
    "$bin/zhibiao-report" serve --socket "$sock" --database-url "host=$work/sock user=zhibiao_reporting dbname=$1" \
        >>"$work/report.log" 2>&1 &
    local pid=$!; pids+=("$pid")
    for _ in $(seq 1 100); do "$bin/zhibiao-report" query ping --socket "$sock" >/dev/null 2>&1 && break; sleep 0.1; done
    for method in summary regions "series --param indicator=industrial_output" "series --param indicator=gdp" \
                  "targets" "compare --param indicator=high_tech_enterprises --param year=2023"; do
        # shellcheck disable=SC2086
        "$bin/zhibiao-report" query $method --socket "$sock"
    done
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
}
answers clean > "$work/clean.answers"
answers chaos > "$work/chaos.answers"
python3 - "$work/clean.answers" "$work/chaos.answers" <<'PY' || fail "the reporting service answers differ"
import json, sys
def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items()
                if not (k == "id" or k.endswith("_id") or k in ("as_of", "generation", "received_at", "parsed_at"))}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value
a, b = ([strip(json.loads(l)) for l in open(p, encoding="utf-8") if l.strip()] for p in sys.argv[1:3])
if a != b:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            print(f"chaos:   answer {i + 1} differs:\n    clean: {json.dumps(x, ensure_ascii=False)[:1500]}\n"
                  f"    chaos: {json.dumps(y, ensure_ascii=False)[:1500]}", file=sys.stderr)
            break
    else:
        print(f"chaos:   {len(a)} answers for clean, {len(b)} for chaos", file=sys.stderr)
    sys.exit(1)
print(f"chaos:   the reporting service gave the same {len(a)} answers for both runs")
PY
echo "chaos: passed"
