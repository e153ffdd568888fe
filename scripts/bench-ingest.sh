#!/usr/bin/env bash
# The ingest benchmark (`make bench`): 2,000 documents made from the seeds, end to end through the queue, against
# (a) `zhibiao-ingest parse` alone on the same files and (b) a raw COPY of the same fact rows into the same table.
# Runs on a throwaway cluster; prints documents/s, facts/s, the ratio ingest ÷ parse-only and the daemon's peak RSS.
#
#   scripts/bench-ingest.sh [BINARY]     (default: the release build in .build)
#   DOCS=2000 WORKERS=2 scripts/bench-ingest.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
binary=${1:-$root/.build/release/zhibiao-ingest}
docs=${DOCS:-2000}
workers=${WORKERS:-2}
[ -x "$binary" ] || { echo "bench: $binary is not built (make release)" >&2; exit 1; }

if [ -z "${ZHIBIAO_TEST_DATABASE_URL:-}" ]; then exec "$here/with-test-cluster.sh" "$0" "$binary"; fi

work=$(mktemp -d /tmp/zhibiao-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/docs"
seeds=("$root"/seeds/*.txt)
for ((n = 0; n < docs; n++)); do
    { cat "${seeds[n % ${#seeds[@]}]}"; printf '\n（简报编号%d）\n' "$n"; } > "$work/docs/doc$n.txt"
done
psql "$ZHIBIAO_TEST_DATABASE_URL" -qc "CREATE DATABASE zhibiao_bench"
url="$ZHIBIAO_TEST_DATABASE_URL dbname=zhibiao_bench"
now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }

"$binary" submit --database-url "$url" "$work/docs" | tail -n 1

start=$(now)
"$binary" serve --database-url "$url" --workers "$workers" --log-level warning &
pid=$!
peak=0
while :; do
    left=$(psql "$url" -Atc "SELECT count(*) FROM zhibiao.ingest_queue WHERE state IN ('available', 'running')")
    rss=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    [ "$left" = 0 ] && break
    sleep 0.05
done
ingest=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
kill -TERM "$pid"; wait "$pid"
facts=$(psql "$url" -Atc "SELECT count(*) FROM zhibiao.facts")

start=$(now)
"$binary" parse "$work/docs"/*.txt > "$work/parse.jsonl"
parse=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
parsed=$(wc -l < "$work/parse.jsonl")

psql "$url" -qc "COPY (SELECT document_id, article, region, region_code, year, kind, indicator, label, value, unit,
    base_value, unit_class, qualifier, growth_pct, evidence, span_start, span_end, sentence FROM zhibiao.facts)
    TO STDOUT" > "$work/facts.copy"
psql "$url" -qc "TRUNCATE zhibiao.facts"
start=$(now)
psql "$url" -qc "\\copy zhibiao.facts (document_id, article, region, region_code, year, kind, indicator, label, value,
    unit, base_value, unit_class, qualifier, growth_pct, evidence, span_start, span_end, sentence) FROM '$work/facts.copy'"
copy=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')

echo "documents: $docs, facts: $facts (parse alone: $parsed), workers: $workers, cores: $(nproc)"
echo "ingest end to end: $(printf %.2f "$ingest") s, $(rate "$docs" "$ingest") documents/s, $(rate "$facts" "$ingest") facts/s"
echo "parse alone:       $(printf %.2f "$parse") s, $(rate "$docs" "$parse") documents/s, $(rate "$parsed" "$parse") facts/s"
echo "raw COPY of facts: $(printf %.2f "$copy") s, $(rate "$facts" "$copy") facts/s"
echo "ingest ÷ parse-only: $(awk -v i="$ingest" -v p="$parse" 'BEGIN { printf "%.0f %%", 100 * p / i }') (goal ≥ 70 %)"
echo "daemon peak RSS: $((peak / 1024)) MiB"
