#!/usr/bin/env bash
# make scale-check: Zhibiao scaled out on PostgreSQL's own machinery, on this machine, in a few minutes.
#   A primary and a streaming hot standby (pg_basebackup -R), both private clusters on Unix sockets; pgbouncer in
#   transaction pooling mode in front of the primary; two ingest daemons writing through it with server-side prepared
#   statements off; a reporting daemon reading from the standby (it polls the generation: a standby refuses LISTEN)
#   and one on the primary to compare with.
#   Documents arrive in batches. After each batch: the standby's answers equal the primary's (same generation, same
#   as_of, same rows) within the replay lag, which is printed. During the run an ingest daemon is SIGKILLed and
#   restarted, and the standby is restarted; at the end nothing is lost or stored twice.
# Bounded: every wait has a deadline; everything lives in one folder under /tmp, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
trap 'echo "scale-check: line $LINENO failed (exit $?): $BASH_COMMAND" >&2' ERR
BATCHES=${SCALE_CHECK_BATCHES:-4}
PER_BATCH=${SCALE_CHECK_PER_BATCH:-60}
DEADLINE=${SCALE_CHECK_DEADLINE:-600}

bin=${ZHIBIAO_BIN:-$(swift build --show-bin-path)}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
work=$(mktemp -d /tmp/zhibiao-scale.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    local status=$?
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done  # the daemons stop within 30 s
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [ "$status" -ne 0 ]; then
        for log in "$work"/ingest-*.log "$work"/report-*.log "$work"/primary/pg.log "$work"/standby/pg.log \
                   "$work"/bouncer/bouncer.log; do
            [ -s "$log" ] || continue
            echo "scale-check: last lines of ${log#"$work"/}:" >&2
            tail -n 15 "$log" >&2
        done
    fi
    scripts/pgbouncer.sh stop "$work/bouncer" >/dev/null 2>&1 || true
    scripts/pg-cluster.sh stop "$work/standby" >/dev/null 2>&1 || true
    scripts/pg-cluster.sh stop "$work/primary" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "scale-check: FAIL: $*" >&2; exit 1; }
deadline=$(( $(date +%s) + DEADLINE ))
in_time() { [ "$(date +%s)" -lt "$deadline" ] || fail "deadline of ${DEADLINE}s passed"; }
as_server() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
export ZHIBIAO_LOG_LEVEL=warning

echo "scale-check: primary, standby (pg_basebackup -R), pgbouncer (transaction pooling)"
scripts/pg-cluster.sh start "$work/primary" >/dev/null
primary="host=$work/primary/sock dbname=zhibiao"
"$bin/zhibiao-ingest" migrate --database-url "$primary user=postgres" >/dev/null
# The standby's folder as pg-cluster.sh lays one out (it skips initdb where a data directory exists).
if [ "$(id -u)" = 0 ]; then
    install -d -o postgres -g postgres -m 755 "$work/standby" "$work/standby/sock"
    install -o postgres -g postgres -m 644 /dev/null "$work/standby/pg.log"
else
    mkdir -p "$work/standby/sock"
fi
as_server "$pgbin/pg_basebackup" -D "$work/standby/pg" -R -X stream -c fast -h "$work/primary/sock" -U postgres
scripts/pg-cluster.sh start "$work/standby" >/dev/null
standby="host=$work/standby/sock dbname=zhibiao"
psql_() { psql -X -q -tA -v ON_ERROR_STOP=1 -d "$1 user=postgres" -c "$2"; }
[ "$(psql_ "$standby" "SELECT pg_is_in_recovery()")" = t ] || fail "the standby is not in recovery"
scripts/pgbouncer.sh start "$work/bouncer" "$work/primary/sock" 4
pooled="host=$work/bouncer/bouncer-sock port=6432 dbname=zhibiao user=zhibiao_ingest"

# Reporting: one daemon on the standby, one on the primary to compare with.
serve_report() {  # name conninfo
    "$bin/zhibiao-report" serve --socket "$work/$1.sock" --freshness-poll-ms 100 \
        --database-url "$2 user=zhibiao_reporting" >>"$work/report-$1.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 200); do
        "$bin/zhibiao-report" query ping --socket "$work/$1.sock" >/dev/null 2>&1 && return
        sleep 0.1
    done
    fail "the reporting daemon on the $1 did not start"
}
serve_report standby "$standby"
serve_report primary "$primary"

# Two ingest daemons through pgbouncer.
export ZHIBIAO_PREPARED_STATEMENTS=off
# start_ingest N: daemon N in the background, its pid in $started. Not through $(…): a daemon started in that
# subshell is no child of this script, so the cleanup would not know it and it would outlive the check.
start_ingest() {
    "$bin/zhibiao-ingest" serve --workers 2 --poll-interval 0.2 --claim-grace 1 --database-url "$pooled" \
        >>"$work/ingest-$1.log" 2>&1 &
    started=$!
    pids+=("$started")
}
start_ingest 1
ingest1=$started
start_ingest 2

python3 scripts/make_documents.py "$work/docs" $(( BATCHES * PER_BATCH ))
pending() { psql_ "$primary" "SELECT count(*) FROM zhibiao.ingest_queue WHERE state IN ('available', 'running')"; }
answers() {  # name: the answers of the reporting daemon on that server, one line each, ids and all
    for method in summary regions "series --param indicator=gdp" "series --param indicator=industrial_output" \
                  targets "compare --param indicator=gdp --param year=2023" "facts --param limit=50"; do
        # shellcheck disable=SC2086
        "$bin/zhibiao-report" query $method --format json --socket "$work/$1.sock"
    done
}
generation_of() { psql_ "$1" "SELECT generation FROM zhibiao.facts_generation"; }
lags=()
for batch in $(seq 1 "$BATCHES"); do
    mkdir -p "$work/batch-$batch"
    first=$(( (batch - 1) * PER_BATCH ))
    for i in $(seq "$first" $(( first + PER_BATCH - 1 ))); do
        mv "$work/docs/doc-$(printf %05d "$i").txt" "$work/batch-$batch/"
    done
    "$bin/zhibiao-ingest" submit --database-url "$pooled" "$work/batch-$batch" >/dev/null
    case $batch in
        2)  # an ingest daemon killed while it works, and started again
            done_sql="SELECT count(*) FROM zhibiao.ingest_queue WHERE state = 'done'"
            until [ "$(psql_ "$primary" "$done_sql")" -gt $(( first + 5 )) ]; do in_time; sleep 0.05; done
            kill -KILL "$ingest1"; wait "$ingest1" 2>/dev/null || true
            echo "scale-check:   batch $batch: SIGKILLed an ingest daemon while it worked, started it again"
            start_ingest 1
            ingest1=$started ;;
        3)  # the standby restarted while documents flow
            scripts/pg-cluster.sh restart "$work/standby" >/dev/null
            echo "scale-check:   batch $batch: restarted the standby while documents flowed" ;;
    esac
    until [ "$(pending)" = 0 ]; do in_time; sleep 0.1; done
    committed=$(date +%s%N)
    target=$(generation_of "$primary")
    # The standby's reporting daemon answers from the generation the primary reached: replay lag plus one poll.
    standby_generation() {
        "$bin/zhibiao-report" query regions --format json --socket "$work/standby.sock" 2>/dev/null |
            python3 -c "import json,sys; print(json.load(sys.stdin)['result']['generation'])" 2>/dev/null
    }
    until [ "$(standby_generation)" = "$target" ]; do
        in_time; sleep 0.02
    done
    lag_ms=$(( ($(date +%s%N) - committed) / 1000000 ))  # an upper bound: each try above starts two processes
    lags+=("$lag_ms")
    answers primary >"$work/primary.answers"
    answers standby >"$work/standby.answers"
    cmp -s "$work/primary.answers" "$work/standby.answers" || {
        diff "$work/primary.answers" "$work/standby.answers" | head -c 2000 >&2
        fail "batch $batch: the standby's answers differ from the primary's"
    }
    replay=$(psql_ "$primary" "SELECT coalesce(round(extract(epoch FROM replay_lag) * 1000)::text, '0')
                               FROM pg_stat_replication")
    echo "scale-check:   batch $batch: $(( first + PER_BATCH )) documents, generation $target; the standby" \
         "answered the same $(wc -l <"$work/standby.answers") answers ${lag_ms} ms after the last commit" \
         "(replay_lag ${replay} ms)"
done

echo "scale-check: checks"
total=$(( BATCHES * PER_BATCH ))
for server in primary standby; do
    conninfo=$primary; [ $server = standby ] && conninfo=$standby
    documents=$(psql_ "$conninfo" "SELECT count(*) FROM zhibiao.documents")
    [ "$documents" = "$total" ] || fail "the $server holds $documents documents, not $total"
done
done_=$(psql_ "$primary" "SELECT count(*) FROM zhibiao.ingest_queue WHERE state = 'done'")
[ "$done_" = "$total" ] || fail "$done_ messages done, not $total"
once=$(psql_ "$primary" "SELECT count(DISTINCT document_id) FROM zhibiao.ingest_queue WHERE state = 'done'")
[ "$once" = "$total" ] || fail "$once distinct documents for $total messages"
for table in facts consolidated; do
    count="SELECT count(*) FROM zhibiao.$table"
    [ "$(psql_ "$primary" "$count")" = "$(psql_ "$standby" "$count")" ] ||
        fail "zhibiao.$table differs between the primary and the standby"
done
# The incremental consolidation equals consolidating everything from scratch (in a transaction rolled back).
drift=$(psql -X -q -tA -v ON_ERROR_STOP=1 -d "$primary user=postgres" <<'SQL'
BEGIN;
CREATE TEMP TABLE kept AS SELECT * FROM zhibiao.consolidated;
DELETE FROM zhibiao.consolidated;
SELECT zhibiao.facts_changed(ARRAY(
    SELECT DISTINCT ROW(region_code, year, indicator, kind, measure)::zhibiao.consolidation_key
    FROM zhibiao.facts WHERE indicator IS NOT NULL AND year IS NOT NULL AND region_code IS NOT NULL)) \g /dev/null
SELECT count(*) FROM ((TABLE kept EXCEPT TABLE zhibiao.consolidated) UNION ALL
                      (TABLE zhibiao.consolidated EXCEPT TABLE kept)) d;
ROLLBACK;
SQL
)
[ "$drift" = 0 ] || fail "$drift consolidated rows differ from a consolidation from scratch"
facts=$(psql_ "$primary" "SELECT count(*) FROM zhibiao.facts")
max_lag=$(printf '%s\n' "${lags[@]}" | sort -n | tail -n 1)
echo "scale-check:   $total documents, $facts facts, each once, on both servers; consolidated values as from scratch"
echo "scale-check:   the standby's answers followed within ${lags[*]} ms (max ${max_lag}) of each batch's last commit"
echo "scale-check: passed"
