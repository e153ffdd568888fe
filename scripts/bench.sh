#!/usr/bin/env bash
# make bench: everything measurable in one run, on fixed inputs, printed as one table and saved as JSON under
# bench-results/. A throwaway PostgreSQL cluster (fsync on) is created in /tmp and removed at the end.
#   parse    MB/s and chars/s through decode + facts on one core (zhibiao-bench parse, median of 5 runs),
#            gazetteer + taxonomy load time, peak RSS for one 10 MB input
#   ingest   2,000 documents (the seeds with varied figures) through the queue: documents/s and facts/s of
#            `serve --once` (defaults, and one worker with one message per transaction), against `parse` alone on the
#            same files (the defaults' ratio: the median of BENCH_INGEST_PAIRS=3 pairs, parse then ingest) and a raw
#            COPY of the same fact rows; WAL bytes per document written by that `serve --once`
#            (after a CHECKPOINT, so full-page images count alike) and the stored bytes per document and per fact;
#            the CPU seconds of each (parse: the process; ingest: the daemon and the PostgreSQL backends it used),
#            which other work on the machine changes far less than the elapsed times
#   query    `series` over the socket at 1/16/64 connections (median of 3 runs) against pgbench running the
#            same SQL over the same PostgreSQL socket; the daemons' peak memory
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${BENCH_RUNS:-3}
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
DOCUMENTS=${BENCH_DOCUMENTS:-2000}
INGEST_PAIRS=${BENCH_INGEST_PAIRS:-3}

scripts/install-deps.sh time postgresql-contrib >/dev/null
swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
# shellcheck source=scripts/lib/throwaway-cluster.sh
source scripts/lib/throwaway-cluster.sh
report_pid=""
# shellcheck disable=SC2016  # expanded at exit
at_exit '[ -z "$report_pid" ] || { kill -TERM "$report_pid" 2>/dev/null && wait "$report_pid" 2>/dev/null; }'
throwaway_cluster bench
log_in_as_roles
psql_=(psql -X -q -v ON_ERROR_STOP=1 -h "$work/sock" -U postgres -d zhibiao)

echo "bench: parse" >&2
taskset -c 0 "$bin/zhibiao-bench" parse seeds/*.txt --corpus-bytes 10000000 --runs 5 > "$work/parse.json"

echo "bench: ingest ($DOCUMENTS documents)" >&2
python3 scripts/make_documents.py "$work/docs" "$DOCUMENTS"
# ingest SECONDS_VAR WAL_VAR SERVE-OPTIONS...: a fresh database, the documents submitted, then timed `serve --once`,
# with the WAL it wrote (bytes) and the machine's load average when it ended (`uptime`: other work skews the time,
# not the bytes).
ingest() {
    psql -X -q -h "$work/sock" -U postgres -d postgres -c "DROP DATABASE IF EXISTS zhibiao" -c "CREATE DATABASE zhibiao"
    "$bin/zhibiao-ingest" migrate >/dev/null
    t0=$(now); "$bin/zhibiao-ingest" submit "$work/docs" >/dev/null; submit_s=$(elapsed "$t0" "$(now)")
    "${psql_[@]}" -c "CHECKPOINT"
    lsn=$("${psql_[@]}" -tAc "SELECT pg_current_wal_lsn()")
    backends_before=$(backends_cpu)
    t0=$(now)
    /usr/bin/time -f '%M %U %S' -o "$work/ingest.time" "$bin/zhibiao-ingest" serve --once "${@:3}" >/dev/null 2>&1
    printf -v "$1" '%s' "$(elapsed "$t0" "$(now)")"
    printf -v "$2" '%s' "$("${psql_[@]}" -tAc "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '$lsn')::bigint")"
    load_average=$(cut -d ' ' -f 1 /proc/loadavg)
    sleep 0.5  # the daemon's backends end as it disconnects; the postmaster counts them once it has reaped them
    backends_s=$(python3 -c "print(round($(backends_cpu) - $backends_before, 2))")
}
# One transaction per message on one worker first (the strictest setting), then the defaults (processors + 1 workers,
# batches of up to 32 fresh messages), each run right after `parse` alone on the same files: the machine's speed
# drifts (a VM's by a third within an hour), so the ratio is taken within each pair and the median pair reported.
# The last run's database is the one the rest of the bench uses.
ingest strict_s strict_wal --workers 1 --batch-size 1
: > "$work/pairs.txt"
for _ in $(seq 1 "$INGEST_PAIRS"); do
    t0=$(now)
    /usr/bin/time -f '%U %S' -o "$work/parse.cpu" "$bin/zhibiao-ingest" parse "$work"/docs/*.txt > "$work/parsed.jsonl"
    parse_s=$(elapsed "$t0" "$(now)")
    ingest ingest_s ingest_wal
    echo "$parse_s $(tail -n 1 "$work/parse.cpu") $ingest_s $ingest_wal $load_average $backends_s $(tail -n 1 "$work/ingest.time")" \
        >> "$work/pairs.txt"
done
# Bytes stored per table (heap, TOAST and indexes) after the default run: the tables a fact's row and prose live in.
"${psql_[@]}" -tAc "SELECT c.relname || ' ' || pg_total_relation_size(c.oid) FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'zhibiao' AND c.relname IN ('documents', 'articles', 'sentences', 'facts') ORDER BY 1" \
    > "$work/sizes.txt"
queue_bytes=$("${psql_[@]}" -tAc "SELECT pg_total_relation_size('zhibiao.ingest_queue')")
facts=$("${psql_[@]}" -tAc "SELECT count(*) FROM zhibiao.facts")
documents=$("${psql_[@]}" -tAc "SELECT count(*) FROM zhibiao.documents")
columns="document_id, article, region, region_code, year, kind, indicator, label, value, unit, base_value, unit_class, qualifier, growth_pct, measure, evidence, evidence_offset, span_start, span_end, sentence_ordinal"
"${psql_[@]}" -c "\\copy (SELECT $columns FROM zhibiao.facts) TO '$work/facts.copy'"
printf 'BEGIN;\n\\copy zhibiao.facts (%s) FROM %s\nROLLBACK;\n' "$columns" "'$work/facts.copy'" > "$work/copy.sql"
t0=$(now); "${psql_[@]}" -f "$work/copy.sql"; copy_s=$(elapsed "$t0" "$(now)")

echo "bench: query" >&2
"$bin/zhibiao-report" serve --socket "$work/r.sock" >"$work/report.log" 2>&1 &
report_pid=$!
for _ in $(seq 1 100); do "$bin/zhibiao-report" query ping --socket "$work/r.sock" >/dev/null 2>&1 && break; sleep 0.1; done
request='{"id":1,"method":"series","params":{"indicator":"industrial_output"}}'
"$bin/zhibiao-report" query series --socket "$work/r.sock" --param indicator=industrial_output > "$work/series.reply"
row_cap=$("$bin/zhibiao-report" query series --socket "$work/r.sock" --param indicator=industrial_output \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["limit"])')
# The statements the service sends for that request (ReportQueries.page), in a session set up as its are (no JIT).
cat > "$work/series.sql" <<SQL
SELECT 1 FROM reporting.indicators WHERE id = 'industrial_output';
SELECT (SELECT count(*) FROM reporting.series
        WHERE indicator = 'industrial_output' AND (NULL::text[] IS NULL OR region_code = ANY(NULL::text[]))
          AND (NULL::int IS NULL OR year >= NULL::int) AND (NULL::int IS NULL OR year <= NULL::int)
          AND (NULL::text IS NULL OR measure = NULL::text)) AS total,
       (SELECT row_to_json(r)::text FROM (SELECT region_code, region, indicator, measure, year, value, unit,
            base_value, unit_class, qualifier, stated_growth_pct, computed_growth_pct, previous_year, change_pct,
            n_sources, conflict, fact_id) r) AS row,
       json_build_array(region_code, coalesce(measure, ''), year)::text AS key
FROM reporting.series
WHERE (indicator = 'industrial_output' AND (NULL::text[] IS NULL OR region_code = ANY(NULL::text[]))
       AND (NULL::int IS NULL OR year >= NULL::int) AND (NULL::int IS NULL OR year <= NULL::int)
       AND (NULL::text IS NULL OR measure = NULL::text)) AND true
ORDER BY region_code, coalesce(measure, ''), year LIMIT $((row_cap + 1)) OFFSET 0;
SQL
: > "$work/load.jsonl"
: > "$work/pgbench.txt"
for connections in 1 16 64; do
    for _ in $(seq 1 "$RUNS"); do
        "$bin/zhibiao-bench" load --socket "$work/r.sock" --connections "$connections" \
            --duration "$SECONDS_PER_RUN" --warmup 1 --request "$request" >> "$work/load.jsonl"
        tps=$(PGOPTIONS="-c jit=off" pgbench -n -M extended -f "$work/series.sql" -c "$connections" -j 2 -T "$SECONDS_PER_RUN" \
            -h "$work/sock" -U postgres zhibiao 2>/dev/null | awk '/^tps/ {print $3; exit}')
        echo "$connections $tps" >> "$work/pgbench.txt"
    done
done
report_hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$report_pid/status")

mkdir -p bench-results
python3 - "$work" bench-results <<PY
import json, pathlib, statistics, sys, datetime, platform, os
work, outdir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
parse = json.loads((work / "parse.json").read_text())
load = [json.loads(l) for l in (work / "load.jsonl").read_text().splitlines() if l.strip()]
pg = {}
for line in (work / "pgbench.txt").read_text().splitlines():
    c, tps = line.split()
    pg.setdefault(int(c), []).append(float(tps))
med = statistics.median
facts, documents = int("$facts"), int("$documents")
copy_s, submit_s, strict_s = float("$copy_s"), float("$submit_s"), float("$strict_s")
# parse s, parse user+sys, ingest s, WAL bytes, load average, backends CPU s, daemon peak RSS kB, user, sys
pairs = [[float(x) for x in line.split()] for line in (work / "pairs.txt").read_text().splitlines() if line.strip()]
ratios = [p[0] / p[3] for p in pairs]
median_pair = sorted(pairs, key=lambda p: p[0] / p[3])[len(pairs) // 2]
parse_s, parse_cpu, ingest_s, ingest_wal, ingest_load, backends_s, rss_kb, daemon_user, daemon_sys = (
    median_pair[0], median_pair[1] + median_pair[2], *median_pair[3:])
sizes = {name: int(size) for name, size in (line.split() for line in (work / "sizes.txt").read_text().split("\n") if line)}
query = {}
for c in (1, 16, 64):
    runs = [r for r in load if r["connections"] == c]
    query[c] = {
        "requests_per_s": med(r["requests_per_s"] for r in runs),
        "p50_ms": med(r["p50_ms"] for r in runs), "p99_ms": med(r["p99_ms"] for r in runs),
        "error_replies": sum(r["error_replies"] for r in runs),
        "pgbench_tps": med(pg[c]),
    }
    query[c]["ratio_vs_pgbench"] = query[c]["requests_per_s"] / query[c]["pgbench_tps"]
result = {
    "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
    "parse": parse,
    "ingest": {
        "documents": documents, "facts": facts, "submit_s": submit_s,
        "ingest_s": ingest_s, "documents_per_s": documents / ingest_s, "facts_per_s": facts / ingest_s,
        "parse_only_s": parse_s, "parse_only_documents_per_s": documents / parse_s,
        "ratio_ingest_vs_parse": parse_s / ingest_s, "ratios_ingest_vs_parse_each_pair": ratios,
        "one_per_transaction_1_worker_s": strict_s, "one_per_transaction_1_worker_documents_per_s": documents / strict_s,
        "ratio_one_per_transaction_1_worker_vs_parse": parse_s / strict_s,
        "raw_copy_s": copy_s, "raw_copy_rows_per_s": facts / copy_s,
        "daemon_peak_rss_mb": rss_kb / 1024,
        "parse_only_cpu_s": parse_cpu, "daemon_cpu_s": daemon_user + daemon_sys,
        "backends_cpu_s": backends_s,
        "load_average_1min": ingest_load,
        "wal_bytes": int(ingest_wal), "wal_bytes_per_document": ingest_wal / documents,
        "wal_bytes_per_fact": ingest_wal / facts,
        "one_per_transaction_1_worker_wal_bytes_per_document": int("$strict_wal") / documents,
        "stored_bytes": sizes, "stored_bytes_per_document": sum(sizes.values()) / documents,
        "fact_bytes_per_fact": (sizes["facts"] + sizes.get("sentences", 0)) / facts,
        "queue_bytes_per_document": int("$queue_bytes") / documents,
    },
    "query": {str(c): v for c, v in query.items()},
    "report_daemon_peak_rss_mb": int("$report_hwm_kb") / 1024,
}
stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
(outdir / f"bench-{stamp}.json").write_text(json.dumps(result, indent=2))
i = result["ingest"]
rows = [
    ("parse", "throughput (1 core)", f"{parse['mb_per_s']:.2f} MB/s, {parse['chars_per_s']/1e6:.2f} M chars/s"),
    ("parse", "gazetteer + taxonomy load", f"{parse['load_ms_median']:.1f} ms"),
    ("parse", "peak RSS, 10 MB input", f"{parse['peak_resident_mb']:.0f} MB"),
    ("ingest", f"{documents} docs through the queue", f"{i['documents_per_s']:.0f} docs/s, {i['facts_per_s']:.0f} facts/s ({facts} facts; {os.cpu_count() + 1 if os.cpu_count() < 8 else 8} workers, batches of 32)"),
    ("ingest", "parse only, same docs", f"{i['parse_only_documents_per_s']:.0f} docs/s"),
    ("ingest", "ingest / parse-only", f"{100*i['ratio_ingest_vs_parse']:.0f} %, the median of {len(ratios)} pairs run one after the other: " + ", ".join(f"{100*r:.0f} %" for r in ratios) + f" (load average {i['load_average_1min']:.2f})"),
    ("ingest", "WAL bytes per document", f"{i['wal_bytes_per_document']:,.0f} ({i['wal_bytes_per_fact']:,.0f} per fact; 1 message per transaction: {i['one_per_transaction_1_worker_wal_bytes_per_document']:,.0f})"),
    ("ingest", "stored bytes per document", f"{i['stored_bytes_per_document']:,.0f} (" + ", ".join(f"{name} {size / documents:,.0f}" for name, size in sorted(sizes.items())) + ")"),
    ("ingest", "queue bytes per document", f"{i['queue_bytes_per_document']:,.0f} (zhibiao.ingest_queue, every message done)"),
    ("ingest", "fact bytes per fact", f"{i['fact_bytes_per_fact']:,.0f} (facts and sentences: heap, TOAST, indexes)"),
    ("ingest", "CPU: parse only / ingest", f"{i['parse_only_cpu_s']:.2f} s / {i['daemon_cpu_s'] + i['backends_cpu_s']:.2f} s (daemon {i['daemon_cpu_s']:.2f} s, PostgreSQL backends {i['backends_cpu_s']:.2f} s; on 2 idle cores: {100 * i['parse_only_cpu_s'] / ((i['daemon_cpu_s'] + i['backends_cpu_s']) / 2):.0f} % at best)"),
    ("ingest", "1 worker, 1 message per transaction", f"{i['one_per_transaction_1_worker_documents_per_s']:.0f} docs/s ({100*i['ratio_one_per_transaction_1_worker_vs_parse']:.0f} % of parse-only)"),
    ("ingest", "raw COPY of the fact rows", f"{i['raw_copy_rows_per_s']:.0f} rows/s"),
    ("ingest", "daemon peak RSS", f"{i['daemon_peak_rss_mb']:.0f} MB"),
]
for c in (1, 16, 64):
    q = query[c]
    rows.append(("query", f"series, {c} conn", f"{q['requests_per_s']:.0f} req/s, p50 {q['p50_ms']:.2f} ms, p99 {q['p99_ms']:.2f} ms, errors {q['error_replies']}"))
    rows.append(("query", f"pgbench same SQL, {c} conn", f"{q['pgbench_tps']:.0f} tps; service/pgbench {q['ratio_vs_pgbench']:.2f}"))
rows.append(("query", "report daemon peak RSS", f"{result['report_daemon_peak_rss_mb']:.0f} MB"))
width = max(len(r[1]) for r in rows)
print(f"{'area':<7} {'measure':<{width}}  figure")
for area, measure, figure in rows:
    print(f"{area:<7} {measure:<{width}}  {figure}")
print(f"saved bench-results/bench-{stamp}.json")
PY
