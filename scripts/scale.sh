#!/usr/bin/env bash
# make scale (by hand, not CI): Zhibiao at SCALE_DOCUMENTS (100,000) documents of a province office's archive —
# scripts/make_documents.py --places: the seeds about many counties and towns, years and figures, each figure stated
# by a few sources — on a throwaway cluster with PostgreSQL's defaults (fsync on) plus pg_stat_statements. Prints one
# table and saves JSON under bench-results/.
#   ingest  `serve --once` with 1 and 4 workers on the first tenth (each into a fresh database), then with 2 (the
#           issue's middle figure) into the database the rest measures: the same first tenth, then the rest. The write cost per
#           batch does not grow with the table (below), so the prefix gives the workers' ratios with 120,000
#           documents ingested in all instead of 300,000. Elapsed, documents/s, CPU of the daemon and of the
#           PostgreSQL backends.
#   batch   the per-batch write cost from the real ingest: pg_stat_statements over the last 1 % of documents before
#           the first tenth and before the end (the facts' COPY, whose time includes the consolidation trigger, and
#           the trigger's own statements), against consolidating every key from scratch (rolled back) — what each
#           batch cost before migration 0010.
#   size    pg_database_size and each table (heap, TOAST, indexes) per 1,000 documents, at a tenth and at the end.
#   query   series, compare and facts over the socket at the end, uncached (the server's cache off, and SCALE_REQUESTS
#           different requests per method drawn from the data, so PostgreSQL's buffers do not serve one hot key
#           either), p50/p99 at 1 and 16 connections, against pgbench running the statements the server sent for
#           the same requests (read from the server's log) over the same socket.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCUMENTS=${SCALE_DOCUMENTS:-100000}
SECONDS_PER_RUN=${SCALE_SECONDS:-20}
REQUESTS=${SCALE_REQUESTS:-50}  # at most 128: pgbench's limit of scripts
prefix=$((DOCUMENTS / 10))
window=$((DOCUMENTS / 100))
[ "$window" -ge 16 ] || { echo "scale: SCALE_DOCUMENTS must be at least 1600 (a window of 16 documents)" >&2; exit 2; }

scripts/install-deps.sh time postgresql-contrib >/dev/null
swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
# shellcheck source=scripts/lib/throwaway-cluster.sh
source scripts/lib/throwaway-cluster.sh
report_pid=""
# shellcheck disable=SC2016  # expanded at exit
at_exit '[ -z "$report_pid" ] || { kill -TERM "$report_pid" 2>/dev/null && wait "$report_pid" 2>/dev/null; }'
throwaway_cluster scale
log_in_as_roles
psql_=(psql -X -q -v ON_ERROR_STOP=1 -h "$work/sock" -U postgres -d zhibiao)
"${psql_[@]}" -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
scripts/pg-cluster.sh restart "$work" >/dev/null
# Nested statements too: the consolidation trigger's.
"${psql_[@]}" -c "ALTER SYSTEM SET pg_stat_statements.track = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
started=$(now)
echo "scale: start $(uptime)" >&2

echo "scale: $DOCUMENTS documents" >&2
"$bin/zhibiao-ingest" parse seeds > "$work/seeds.jsonl"
# The stages the 2-worker run is submitted and timed in: the windows are the 1 % before a tenth and before the end.
stages=(0 $((prefix - window)) "$prefix" $((DOCUMENTS - window)) "$DOCUMENTS")
for i in 0 1 2 3; do
    python3 scripts/make_documents.py --places "$work/seeds.jsonl" --start "${stages[i]}" "$work/docs/$i" \
        "${stages[i + 1]}"
done

fresh_database() {
    psql -X -q -h "$work/sock" -U postgres -d postgres -c "DROP DATABASE IF EXISTS zhibiao" -c "CREATE DATABASE zhibiao"
    "$bin/zhibiao-ingest" migrate >/dev/null
    "${psql_[@]}" -c "CREATE EXTENSION pg_stat_statements"
}
# ingest LABEL WORKERS DIR...: submits the directories' documents, then a timed `serve --once`; one JSON line.
ingest() {
    local label=$1 workers=$2 t0 backends_before
    shift 2
    "$bin/zhibiao-ingest" submit "$@" >/dev/null
    "${psql_[@]}" -c "SELECT pg_stat_statements_reset()" >/dev/null
    backends_before=$(backends_cpu)
    t0=$(now)
    /usr/bin/time -f '%U %S' -o "$work/ingest.time" "$bin/zhibiao-ingest" serve --once --workers "$workers" >/dev/null
    local seconds load
    seconds=$(elapsed "$t0" "$(now)")
    load=$(cut -d ' ' -f 1 /proc/loadavg)
    sleep 0.5  # the daemon's backends end as it disconnects; the postmaster counts them once it has reaped them
    printf '{"label": "%s", "workers": %s, "documents": %s, "seconds": %s, "daemon_cpu_s": %s, "backends_cpu_s": %s, "load_average_1min": %s}\n' \
        "$label" "$workers" "$(find "$@" -name '*.txt' | wc -l)" "$seconds" \
        "$(awk '{ print $1 + $2 }' "$work/ingest.time")" \
        "$(python3 -c "print(round($(backends_cpu) - $backends_before, 2))")" "$load" >> "$work/ingest.jsonl"
}
# The write statements of the last `ingest` (pg_stat_statements, this database), as JSON.
batch_cost() {
    "${psql_[@]}" -tA > "$work/batch-$1.json" <<'SQL'
SELECT json_object_agg(statement, json_build_object('calls', calls, 'mean_ms', mean_ms, 'rows_per_call', rows_per_call))
FROM (SELECT CASE WHEN query LIKE 'COPY zhibiao.facts %' THEN 'facts COPY (consolidation included)'
                  WHEN query LIKE '%DELETE FROM zhibiao.consolidated%' THEN 'consolidation DELETE'
                  WHEN query LIKE '%INSERT INTO zhibiao.consolidated%' THEN 'consolidation INSERT'
                  WHEN query LIKE '%INSERT INTO zhibiao.documents (sha256%' THEN 'documents INSERT'
             END AS statement,
             sum(calls) AS calls, round((sum(total_exec_time) / sum(calls))::numeric, 3) AS mean_ms,
             round(sum(rows)::numeric / sum(calls), 1) AS rows_per_call
      FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
      GROUP BY 1) s
WHERE statement IS NOT NULL;
SQL
}
# Every key consolidated from scratch in milliseconds, rolled back: what each batch cost before migration 0010.
from_scratch_ms() {
    "${psql_[@]}" <<'SQL' | awk '/^Time:/ { t = $2 } END { print t }'
BEGIN;
DELETE FROM zhibiao.consolidated;
\timing on
SELECT zhibiao.facts_changed(ARRAY(
    SELECT DISTINCT ROW(region_code, year, indicator, kind, measure)::zhibiao.consolidation_key
    FROM zhibiao.facts WHERE indicator IS NOT NULL AND year IS NOT NULL AND region_code IS NOT NULL)) \g /dev/null
\timing off
ROLLBACK;
SQL
}
# Sizes in bytes: the database, then each table of the zhibiao schema with its TOAST and indexes; as JSON.
sizes() {
    "${psql_[@]}" -tA > "$work/sizes-$1.json" <<'SQL'
SELECT json_build_object(
    'documents', (SELECT count(*) FROM zhibiao.documents), 'facts', (SELECT count(*) FROM zhibiao.facts),
    'consolidated', (SELECT count(*) FROM zhibiao.consolidated),
    'database_bytes', pg_database_size(current_database()),
    'tables', (SELECT json_object_agg(c.relname, pg_total_relation_size(c.oid) ORDER BY c.relname)
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'zhibiao' AND c.relkind IN ('r', 'p')));
SQL
}

: > "$work/ingest.jsonl"
for workers in 1 4; do
    echo "scale: ingest, $workers workers, the first $prefix documents" >&2
    fresh_database
    ingest "prefix" "$workers" "$work/docs/0" "$work/docs/1"
done
echo "scale: ingest, 2 workers, $DOCUMENTS documents" >&2
fresh_database
ingest "before the window" 2 "$work/docs/0"
ingest "window at a tenth" 2 "$work/docs/1"
batch_cost tenth
sizes tenth
scratch_tenth_ms=$(from_scratch_ms)
ingest "rest" 2 "$work/docs/2"
ingest "window at the end" 2 "$work/docs/3"
batch_cost end
"${psql_[@]}" -c "VACUUM ANALYZE"
sizes end
scratch_end_ms=$(from_scratch_ms)

echo "scale: query" >&2
"$bin/zhibiao-report" serve --socket "$work/r.sock" --cache-entries 0 >"$work/report.log" 2>&1 &
report_pid=$!
for _ in $(seq 1 100); do "$bin/zhibiao-report" query ping --socket "$work/r.sock" >/dev/null 2>&1 && break; sleep 0.1; done
# REQUESTS requests per method, their parameters drawn (with a fixed seed) from the consolidated keys.
"${psql_[@]}" -tA -v requests="$REQUESTS" > "$work/requests.jsonl" <<'SQL'
SELECT setseed(0.15) \g /dev/null
(SELECT json_build_object('id', 1, 'method', 'series', 'params', json_build_object('indicator', indicator, 'region',
                          json_build_array(region_code)))
 FROM (SELECT DISTINCT indicator, region_code FROM zhibiao.consolidated) k ORDER BY random() LIMIT :requests)
UNION ALL
(SELECT json_build_object('id', 1, 'method', 'compare', 'params', json_build_object('indicator', indicator, 'year', year,
                          'kind', kind))
 FROM (SELECT DISTINCT indicator, year, kind FROM zhibiao.consolidated) k ORDER BY random() LIMIT :requests)
UNION ALL
(SELECT json_build_object('id', 1, 'method', 'facts', 'params', json_build_object('region', json_build_array(region_code),
                          'year', year))
 FROM (SELECT DISTINCT region_code, year FROM zhibiao.consolidated) k ORDER BY random() LIMIT :requests);
SQL
# The statements the server sends for each request, from the server's log (every statement logged meanwhile), each
# request's into a pgbench script of its own with the parameters written in.
"${psql_[@]}" -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c "SELECT pg_reload_conf()" >/dev/null
python3 - "$work" <<'PY'
import json, pathlib, re, socket, sys
work = pathlib.Path(sys.argv[1])
log = work / "pg.log"
entry = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \w+ \[(\d+)\] (\w+):  (.*)$")
parameter = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
(work / "pgbench").mkdir()
counts, failed = {}, {}
for number, line in enumerate((work / "requests.jsonl").read_text().splitlines()):
    request = json.loads(line)
    start = log.stat().st_size
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(str(work / "r.sock"))
        s.sendall((json.dumps({"id": number, **request}, ensure_ascii=False) + "\n").encode())
        reply = b""
        while not reply.endswith(b"\n"):
            reply += s.recv(1 << 20)
    method = request["method"]
    # A request the server failed (at 100,000 documents, perhaps its statement timeout) has no script: pgbench
    # runs the others'; the load on the socket still sends it and counts its error replies.
    if "result" not in json.loads(reply):
        failed[method] = failed.get(method, 0) + 1
        continue
    with log.open(encoding="utf-8") as f:
        f.seek(start)
        lines = f.read().splitlines()
    entries = []  # (pid, severity, text), a message's further lines (a tab first) joined to it
    for text in lines:
        m = entry.match(text)
        if m:
            entries.append([m.group(1), m.group(2), m.group(3)])
        elif entries and text.startswith("\t"):
            entries[-1][2] += "\n" + text[1:]
    statements, pending = [], {}
    for pid, severity, text in entries:
        m = re.match(r"duration: [\d.]+ ms  execute [^:]*: (.*)", text, re.S)
        if severity == "LOG" and m and "reporting.freshness" not in m.group(1):
            pending[pid] = m.group(1)
            statements.append([pid, m.group(1)])
        elif severity == "DETAIL" and text.startswith("parameters: ") and pid in pending:
            values = dict(parameter.findall(text))
            sql = re.sub(r"\$(\d+)", lambda p: values[p.group(1)], pending.pop(pid))
            next(s for s in reversed(statements) if s[0] == pid)[1] = sql
    assert statements, f"no statement logged for {line}"
    counts[method] = counts.get(method, 0) + 1
    (work / "pgbench" / f"{method}-{counts[method]:03d}.sql").write_text(
        "".join(sql.rstrip().rstrip(";") + ";\n" for _, sql in statements))
(work / "capture.json").write_text(json.dumps({"scripts": counts, "failed_requests": failed}))
PY
"${psql_[@]}" -c "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" >/dev/null
: > "$work/load.jsonl"
for method in series compare facts; do
    mapfile -t requests < <(grep "\"method\" : \"$method\"" "$work/requests.jsonl")
    scripts=()
    for file in "$work/pgbench/$method"-*.sql; do [ ! -e "$file" ] || scripts+=(-f "$file@1"); done
    for connections in 1 16; do
        echo "scale: query $method, $connections connections" >&2
        request_options=()
        for request in "${requests[@]}"; do request_options+=(--request "$request"); done
        "$bin/zhibiao-bench" load --socket "$work/r.sock" --connections "$connections" --duration "$SECONDS_PER_RUN" \
            --warmup 1 "${request_options[@]}" | python3 -c "import json, sys; r = json.load(sys.stdin); \
            r['method'] = '$method'; print(json.dumps(r))" >> "$work/load.jsonl"
        rm -f "$work"/pgbench_log.*
        # A failure is reported, not fatal: the figures measured before it are the long part of the run.
        [ "${#scripts[@]}" = 0 ] ||
            (cd "$work" && PGOPTIONS="-c jit=off" pgbench -n -M extended "${scripts[@]}" -c "$connections" -j 2 \
                -T "$SECONDS_PER_RUN" -l -h "$work/sock" -U postgres zhibiao > "$work/pgbench.out" 2>&1) ||
            { echo "scale: pgbench $method, $connections connections, failed:" >&2; tail -n 5 "$work/pgbench.out" >&2; }
        # Per transaction (one request's statements): its latency in microseconds is the third column.
        find "$work" -maxdepth 1 -name 'pgbench_log.*' -exec cat {} + | awk '{ print $3 }' \
            > "$work/pgbench-$method-$connections.us"
    done
done
report_hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$report_pid/status")
echo "scale: end $(uptime)" >&2

mkdir -p bench-results
python3 - "$work" bench-results "$(elapsed "$started" "$(now)")" "$scratch_tenth_ms" "$scratch_end_ms" \
    "$report_hwm_kb" "$SECONDS_PER_RUN" <<'PY'
import datetime, json, os, pathlib, platform, sys
work, outdir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
total_s, scratch_tenth_ms, scratch_end_ms, report_hwm_kb, seconds_per_run = map(float, sys.argv[3:8])
read = lambda name: json.loads((work / name).read_text())
lines = lambda name: [json.loads(l) for l in (work / name).read_text().splitlines() if l.strip()]
ingest = lines("ingest.jsonl")
def combined(label, parts):
    run = {"label": label, "workers": parts[0]["workers"]}
    for key in ("documents", "seconds", "daemon_cpu_s", "backends_cpu_s"):
        run[key] = sum(r[key] for r in parts)
    run["load_average_1min"] = max(r["load_average_1min"] for r in parts)
    return run
full = [r for r in ingest if r["workers"] == 2]
# The 2-worker run's first tenth was timed in two parts (the window's statistics are read between them).
runs = [r for r in ingest if r["label"] == "prefix"] + [combined("prefix", full[:2])]
total = combined("all", full)
for r in ingest + runs + [total]:
    r["documents_per_s"] = r["documents"] / r["seconds"]
sizes = {"tenth": read("sizes-tenth.json"), "end": read("sizes-end.json")}
batch = {"tenth": read("batch-tenth.json"), "end": read("batch-end.json")}
capture = read("capture.json")
def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))] if values else float("nan")
query = {}
for r in lines("load.jsonl"):
    us = [float(v) for v in (work / f"pgbench-{r['method']}-{r['connections']}.us").read_text().split()]
    query[f"{r['method']} {r['connections']}"] = {
        "service": {k: r[k] for k in ("requests_per_s", "p50_ms", "p99_ms", "error_replies")},
        "pgbench": {"tps": len(us) / seconds_per_run,
                    "p50_ms": percentile(us, 50) / 1000, "p99_ms": percentile(us, 99) / 1000}}
result = {
    "when": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
    "documents": total["documents"], "total_s": total_s,
    "ingest": {"stages": ingest, "prefix": runs, "all": total}, "batch": batch,
    "from_scratch_ms": {"tenth": scratch_tenth_ms, "end": scratch_end_ms},
    "sizes": sizes, "query": query, "pgbench_scripts": capture, "report_daemon_peak_rss_mb": report_hwm_kb / 1024,
    # The growth, without what an empty database and the first documents' regions take.
    "database_bytes_per_1000_documents_added": (sizes["end"]["database_bytes"] - sizes["tenth"]["database_bytes"])
    * 1000 / (sizes["end"]["documents"] - sizes["tenth"]["documents"]),
}
stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
(outdir / f"scale-{stamp}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
rows = []
cpu = lambda r: f"CPU daemon {r['daemon_cpu_s']:.0f} s, backends {r['backends_cpu_s']:.0f} s"
for r in runs:
    rows.append(("ingest", f"{r['workers']} workers, first {r['documents']:,} docs",
                 f"{r['seconds']:.0f} s, {r['documents_per_s']:.1f} docs/s, {cpu(r)} (load {r['load_average_1min']})"))
rows.append(("ingest", f"2 workers, all {total['documents']:,} docs",
             f"{total['seconds']:.0f} s, {total['documents_per_s']:.1f} docs/s, {cpu(total)}"))
for when, label in (("tenth", "window at a tenth"), ("end", "window at the end")):
    window = next(r for r in ingest if r["label"] == label)
    b = batch[when]
    copy = b.get("facts COPY (consolidation included)", {})
    consolidation = b.get("consolidation INSERT", {})
    rows.append(("batch", f"{label} ({sizes[when]['documents']:,} docs)",
                 f"{copy.get('calls', 0)} batches, COPY facts {copy.get('mean_ms', 0)} ms "
                 f"({copy.get('rows_per_call', 0)} rows), of which consolidation INSERT {consolidation.get('mean_ms', 0)} ms; "
                 f"{window['documents_per_s']:.1f} docs/s"))
    rows.append(("batch", f"everything from scratch ({sizes[when]['documents']:,} docs)",
                 f"{result['from_scratch_ms'][when]:,.0f} ms"))
rows.append(("size", f"per 1,000 docs added from {sizes['tenth']['documents']:,} to {sizes['end']['documents']:,}",
             f"{result['database_bytes_per_1000_documents_added'] / 2**20:.1f} MiB database"))
for when in ("tenth", "end"):
    s = sizes[when]
    per = 1000 / s["documents"]
    top = sorted(s["tables"].items(), key=lambda kv: -kv[1])[:4]
    rows.append(("size", f"per 1,000 docs at {s['documents']:,} docs",
                 f"{s['database_bytes'] * per / 2**20:.1f} MiB database ("
                 + ", ".join(f"{name} {size * per / 2**20:.1f}" for name, size in top)
                 + f"); {s['facts']:,} facts, {s['consolidated']:,} consolidated rows"))
for key, q in query.items():
    sv, pg = q["service"], q["pgbench"]
    method = key.split()[0]
    scripts = f"{capture['scripts'].get(method, 0)} requests' SQL"
    if capture["failed_requests"].get(method):
        scripts += f"; {capture['failed_requests'][method]} requests failed when their SQL was read"
    rows.append(("query", f"{key} conn, uncached",
                 f"service {sv['requests_per_s']:.0f} req/s p50 {sv['p50_ms']:.2f} p99 {sv['p99_ms']:.2f} ms "
                 f"(errors {sv['error_replies']}); pgbench {pg['tps']:.0f} tps p50 {pg['p50_ms']:.2f} "
                 f"p99 {pg['p99_ms']:.2f} ms ({scripts})"))
rows.append(("run", "whole make scale", f"{total_s / 60:.1f} min"))
width = max(len(r[1]) for r in rows)
print(f"{'area':<7} {'measure':<{width}}  figure")
for area, measure, figure in rows:
    print(f"{area:<7} {measure:<{width}}  {figure}")
print(f"saved bench-results/scale-{stamp}.json")
PY
