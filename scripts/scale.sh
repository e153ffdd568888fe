#!/usr/bin/env bash
# make scale (part of it): the write cost of one ingest batch at two table sizes, against consolidating everything.
#   The seeds are ingested by the real pipeline, then the table grows by copies of their documents about other
#   regions (a province's archive grows by counties and years, each figure stated by a few sources), to SMALL and
#   then LARGE documents. At each size, five times in a transaction rolled back: the facts of 16 documents restating
#   figures already stored (as a new batch of reports does) are inserted, and the statement's time and its
#   consolidation trigger's are read from EXPLAIN ANALYZE; then the cost of consolidating every key from scratch
#   (what REFRESH MATERIALIZED VIEW did after every batch before migration 0010).
# Prints a table; docs/scale.md records it with the machine's load.
set -euo pipefail
cd "$(dirname "$0")/.."
SMALL=${SCALE_SMALL:-2000}
LARGE=${SCALE_LARGE:-20000}
bin=${ZHIBIAO_BIN:-$(swift build --show-bin-path)}
work=$(mktemp -d /tmp/zhibiao-scale-cost.XXXXXX)
chmod 755 "$work"
trap 'scripts/pg-cluster.sh stop "$work" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
ZHIBIAO_PG_FSYNC=off scripts/pg-cluster.sh start "$work" >/dev/null
db="host=$work/sock dbname=zhibiao user=postgres"
psql_() { psql -X -q -tA -v ON_ERROR_STOP=1 -d "$db" "$@"; }
export ZHIBIAO_LOG_LEVEL=warning
"$bin/zhibiao-ingest" migrate --database-url "$db" >/dev/null
"$bin/zhibiao-ingest" submit --database-url "$db" seeds >/dev/null
"$bin/zhibiao-ingest" serve --once --database-url "$db" >/dev/null

# Copies k of the seed documents (ids 1–5), their articles and facts, about regions "<code>-k".
grow_to() {  # documents
    psql_ -v from="$(psql_ -c "SELECT count(*) / 5 FROM zhibiao.documents")" -v to="$(( $1 / 5 - 1 ))" <<'SQL'
INSERT INTO zhibiao.regions (code, name, level, parent_code)
SELECT r.code || '-' || k, r.name || k, r.level, NULL
FROM zhibiao.regions r CROSS JOIN generate_series(:from, :to) k WHERE r.code NOT LIKE '%-%';
CREATE TEMP TABLE copies AS
SELECT d.id AS original, k FROM zhibiao.documents d CROSS JOIN generate_series(:from, :to) k WHERE d.id <= 5;
INSERT INTO zhibiao.documents (sha256, source_name, raw, text, encoding, parser_version, message_id, published_on)
SELECT sha256(convert_to(d.text || c.k, 'UTF8')), d.source_name || '-' || c.k, ''::bytea, d.text || c.k, d.encoding,
       d.parser_version, d.message_id, d.published_on
FROM copies c JOIN zhibiao.documents d ON d.id = c.original;
CREATE TEMP TABLE copied AS
SELECT c.original, c.k, n.id FROM copies c
JOIN zhibiao.documents d ON d.id = c.original
JOIN zhibiao.documents n ON n.source_name = d.source_name || '-' || c.k;
INSERT INTO zhibiao.articles (document_id, ordinal, title, region, region_code, year, span_start, span_end)
SELECT m.id, a.ordinal, a.title, a.region, a.region_code || '-' || m.k, a.year, a.span_start, a.span_end
FROM copied m JOIN zhibiao.articles a ON a.document_id = m.original;
-- A bulk load: consolidated once afterwards, with statistics that know the table's size (see docs/scale.md).
ALTER TABLE zhibiao.facts DISABLE TRIGGER facts_consolidate_inserted;
INSERT INTO zhibiao.facts (document_id, article, region, region_code, year, kind, indicator, label, value, unit,
                           base_value, unit_class, qualifier, growth_pct, measure, evidence, span_start, span_end,
                           sentence)
SELECT m.id, f.article, f.region, f.region_code || '-' || m.k, f.year, f.kind, f.indicator, f.label, f.value, f.unit,
       f.base_value, f.unit_class, f.qualifier, f.growth_pct, f.measure, f.evidence, f.span_start, f.span_end,
       f.sentence
FROM copied m JOIN zhibiao.facts f ON f.document_id = m.original;
ALTER TABLE zhibiao.facts ENABLE TRIGGER facts_consolidate_inserted;
ANALYZE zhibiao.facts;
ANALYZE zhibiao.documents;
SELECT zhibiao.facts_changed(ARRAY(
    SELECT DISTINCT ROW(f.region_code, f.year, f.indicator, f.kind, f.measure)::zhibiao.consolidation_key
    FROM copied m JOIN zhibiao.facts f ON f.document_id = m.id
    WHERE f.indicator IS NOT NULL AND f.year IS NOT NULL AND f.region_code IS NOT NULL)) \g /dev/null
VACUUM ANALYZE zhibiao.facts;
VACUUM ANALYZE zhibiao.documents;
VACUUM ANALYZE zhibiao.consolidated;
SQL
}

# One batch: the facts of 16 stored documents stated again, 1 % higher (each key gets another fact), rolled back;
# the rows are read first, so that the time measured is the INSERT's: the rows, their indexes and the trigger.
batch_ms() {
    psql_ <<'SQL' | awk '/Execution Time/ { total = $3 }
                         /Trigger facts_consolidate_inserted/ { sub(/.*time=/, ""); trigger = $1 }
                         END { printf "%s %s\n", total, trigger }'
BEGIN;
CREATE TEMP TABLE batch ON COMMIT DROP AS
SELECT f.document_id, f.article, f.region, f.region_code, f.year, f.kind, f.indicator, f.label,
       f.value * 1.01 AS value, f.unit, f.base_value * 1.01 AS base_value, f.unit_class, f.qualifier, f.growth_pct,
       f.measure, f.evidence, f.span_start, f.span_end, f.sentence
FROM zhibiao.facts f
WHERE f.document_id IN (SELECT id FROM zhibiao.documents WHERE id > 5 ORDER BY random() LIMIT 16);
EXPLAIN (ANALYZE, COSTS OFF)
INSERT INTO zhibiao.facts (document_id, article, region, region_code, year, kind, indicator, label, value, unit,
                           base_value, unit_class, qualifier, growth_pct, measure, evidence, span_start, span_end,
                           sentence)
SELECT * FROM batch;
ROLLBACK;
SQL
}

# Everything consolidated from scratch, rolled back: what each batch cost before.
full_ms() {
    psql_ <<'SQL' | awk '/^Time:/ { t = $2 } END { print t }'
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

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "load before: $(uptime)"
printf '%-10s %-12s %-14s %-22s %-22s %s\n' documents facts consolidated "batch insert ms (p50)" \
       "of which trigger ms" "everything from scratch ms"
for size in "$SMALL" "$LARGE"; do
    grow_to "$size"
    runs=$(for _ in 1 2 3 4 5; do batch_ms; done)
    printf '%-10s %-12s %-14s %-22s %-22s %s\n' "$(psql_ -c "SELECT count(*) FROM zhibiao.documents")" \
        "$(psql_ -c "SELECT count(*) FROM zhibiao.facts")" "$(psql_ -c "SELECT count(*) FROM zhibiao.consolidated")" \
        "$(echo "$runs" | cut -d' ' -f1 | median)" "$(echo "$runs" | cut -d' ' -f2 | median)" "$(full_ms)"
done
echo "load after: $(uptime)"
