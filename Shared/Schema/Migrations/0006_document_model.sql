-- The document model (issue 12): the engine returns a document — articles with their titles and datelines, the
-- places it resolved with their whole parent chains, facts with `measure` — and the store keeps all of it.
-- `zhibiao-ingest reparse` brings documents stored by an older parser up to it (their parser version differs).

-- 1. One text, one document.
--
-- The same report may arrive as other bytes: another encoding (GB18030 instead of UTF-8), CRLF line endings, a byte
-- order mark. Its decoded text, normalized for those, is what identifies a document. The hash is computed here, by
-- PostgreSQL, for every writer alike.
CREATE FUNCTION zhibiao.text_sha256(text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT sha256(convert_to(replace(replace(ltrim($1, U&'\FEFF'), E'\r\n', E'\n'), E'\r', E'\n'), 'UTF8'))
$$;
GRANT EXECUTE ON FUNCTION zhibiao.text_sha256(text) TO zhibiao_ingest;

ALTER TABLE zhibiao.documents ADD COLUMN text_sha256 bytea GENERATED ALWAYS AS (zhibiao.text_sha256(text)) STORED;

-- Documents stored twice before this migration (the same text in two encodings) become one: the first stored stays.
-- Nothing is lost: the later one's bytes stay in (or are put back into) the queue as a message that is done and
-- points at the document kept — the record a worker now makes when a message's text is already a document.
CREATE TEMPORARY TABLE duplicate_documents ON COMMIT DROP AS
SELECT id, kept FROM (
    SELECT id, first_value(id) OVER (PARTITION BY text_sha256 ORDER BY id) AS kept FROM zhibiao.documents
) ranked
WHERE id <> kept;

INSERT INTO zhibiao.ingest_queue (bytes, source_name, metadata, state, document_id, created_at, finished_at)
SELECT d.raw, d.source_name,
       jsonb_strip_nulls(jsonb_build_object('source_url', d.source_url, 'published_on', d.published_on::text,
                                            'region_hint', d.region_hint)),
       'done', x.kept, d.received_at, now()
FROM duplicate_documents x JOIN zhibiao.documents d ON d.id = x.id
ON CONFLICT (sha256) DO NOTHING;

UPDATE zhibiao.ingest_queue q SET document_id = x.kept, updated_at = now()
FROM duplicate_documents x WHERE q.document_id = x.id;

DELETE FROM zhibiao.documents d USING duplicate_documents x WHERE d.id = x.id;

CREATE UNIQUE INDEX documents_text_sha256_key ON zhibiao.documents (text_sha256);

-- 2. Articles as the engine reads them: besides title, subject, year and range, the dateline ("本报讯(记者 …)") and
-- whether the article sets targets (主要预期目标…).
ALTER TABLE zhibiao.articles
    ADD COLUMN dateline text,
    ADD COLUMN sets_targets boolean NOT NULL DEFAULT false;

-- 3. Stock or new: for indicators whose flow is `level` (enterprises, population, a rate), `level` is the stock at
-- that time and `added` what the period added ("新增高新技术企业5家,累计达到25家": 5 added, 25 level). NULL for flow
-- indicators, for figures without an indicator, and for facts stored before this migration until they are reparsed.
ALTER TABLE zhibiao.facts
    ADD COLUMN measure text CHECK (measure IN ('level', 'added')),
    ADD CONSTRAINT facts_measure_needs_indicator CHECK (measure IS NULL OR indicator IS NOT NULL);

-- 4. The reporting views.
--
-- Facts without an indicator are counted apart (`indicator_*` columns): answers leave them out unless the request asks
-- for them (`unindexed`, docs/protocol.md). Columns are added at the end of the views that keep their shape, so
-- their grants stay; the consolidated view and those built on it are made again, with the same grants.

CREATE OR REPLACE VIEW reporting.facts AS
SELECT f.id, f.document_id, d.source_name AS doc, d.published_on, f.article, a.title AS article_title,
       f.region, f.region_code, f.year, f.kind, f.indicator, f.label, f.value, f.unit, f.base_value, f.unit_class,
       f.qualifier, f.growth_pct, f.evidence, f.span_start, f.span_end, f.sentence, f.measure
FROM zhibiao.facts f
JOIN zhibiao.documents d ON d.id = f.document_id
LEFT JOIN zhibiao.articles a ON a.document_id = f.document_id AND a.ordinal = f.article;

CREATE OR REPLACE VIEW reporting.articles AS
SELECT a.document_id, a.ordinal, a.title, a.region, a.region_code, a.year, a.span_start, a.span_end,
       (SELECT count(*) FROM zhibiao.facts f WHERE f.document_id = a.document_id AND f.article = a.ordinal) AS facts,
       a.dateline, a.sets_targets,
       (SELECT count(*) FROM zhibiao.facts f
        WHERE f.document_id = a.document_id AND f.article = a.ordinal AND f.indicator IS NOT NULL) AS indicator_facts
FROM zhibiao.articles a;

CREATE OR REPLACE VIEW reporting.regions AS
WITH RECURSIVE tree (code, path) AS (
    SELECT code, ARRAY[code] FROM zhibiao.regions WHERE parent_code IS NULL
    UNION ALL
    SELECT r.code, t.path || r.code FROM tree t JOIN zhibiao.regions r ON r.parent_code = t.code
),
own AS (
    SELECT region_code, count(*) AS facts, count(*) FILTER (WHERE indicator IS NOT NULL) AS indicator_facts
    FROM zhibiao.facts WHERE region_code IS NOT NULL GROUP BY region_code
)
SELECT r.code, r.name, r.level, r.parent_code, cardinality(t.path) - 1 AS depth, t.path,
       coalesce(o.facts, 0) AS facts, total.facts AS facts_total,
       coalesce(o.indicator_facts, 0) AS indicator_facts, total.indicator_facts AS indicator_facts_total
FROM zhibiao.regions r
JOIN tree t ON t.code = r.code
LEFT JOIN own o ON o.region_code = r.code
CROSS JOIN LATERAL (
    SELECT coalesce(sum(o2.facts), 0)::bigint AS facts, coalesce(sum(o2.indicator_facts), 0)::bigint AS indicator_facts
    FROM reporting.region_closure c JOIN own o2 ON o2.region_code = c.code
    WHERE c.ancestor_code = r.code
) total;

CREATE OR REPLACE VIEW reporting.documents AS
SELECT d.id, d.source_name AS name, encode(d.sha256, 'hex') AS sha256, d.source_url, d.published_on, d.region_hint,
       d.encoding, d.parser_version, d.received_at, d.parsed_at, char_length(d.text) AS characters,
       (SELECT count(*) FROM zhibiao.articles a WHERE a.document_id = d.id) AS articles,
       count(f.id) AS facts,
       count(f.id) FILTER (WHERE f.indicator IS NOT NULL) AS indicator_facts,
       count(f.id) FILTER (WHERE f.kind = 'target') AS targets,
       count(DISTINCT f.region_code) AS regions,
       coalesce(array_agg(DISTINCT f.year ORDER BY f.year) FILTER (WHERE f.year IS NOT NULL), '{}') AS years,
       count(f.id) FILTER (WHERE f.kind = 'target' AND f.indicator IS NOT NULL) AS indicator_targets,
       count(DISTINCT f.region_code) FILTER (WHERE f.indicator IS NOT NULL) AS indicator_regions,
       coalesce(array_agg(DISTINCT f.year ORDER BY f.year) FILTER (WHERE f.year IS NOT NULL AND f.indicator IS NOT NULL),
                '{}') AS indicator_years,
       encode(d.text_sha256, 'hex') AS text_sha256
FROM zhibiao.documents d
LEFT JOIN zhibiao.facts f ON f.document_id = d.id
GROUP BY d.id;

DROP MATERIALIZED VIEW reporting.consolidated CASCADE;  -- and reporting.series, reporting.targets, reporting.summary

-- Consolidated values: one row per region × year × indicator × kind × measure, over every document that states it.
-- Level and added figures are never consolidated together (a flow indicator's measure is NULL: one row).
--
-- The chosen value is the first fact in this order (the rule documented in docs/protocol.md):
--   1. a fact with a value before a growth-only one;
--   2. exact before approx before at_least/at_most;
--   3. the most recent document (published_on, then the later ingested document);
--   4. within one document, the first statement (lowest fact id).
-- `n_sources` counts distinct texts (documents.text_sha256). `conflict` is true when the sources' base values differ
-- by more than 0.5 % of the larger (the rounding the gold tolerates), or their stated growth rates by more than 0.01
-- points.
CREATE MATERIALIZED VIEW reporting.consolidated AS
WITH candidates AS (
    SELECT f.*, d.text_sha256, r.name AS region_name, r.level AS region_level,
           row_number() OVER (
               PARTITION BY f.region_code, f.year, f.indicator, f.kind, f.measure
               ORDER BY (f.base_value IS NULL),
                        CASE f.qualifier WHEN 'exact' THEN 0 WHEN 'approx' THEN 1 ELSE 2 END,
                        d.published_on DESC NULLS LAST, f.document_id DESC, f.id
           ) AS preference
    FROM zhibiao.facts f
    JOIN zhibiao.documents d ON d.id = f.document_id
    JOIN zhibiao.regions r ON r.code = f.region_code
    WHERE f.indicator IS NOT NULL AND f.year IS NOT NULL
),
spread AS (
    SELECT region_code, year, indicator, kind, measure,
           count(*) AS n_facts, count(DISTINCT text_sha256) AS n_sources,
           min(base_value) AS min_value, max(base_value) AS max_value,
           min(growth_pct) AS min_growth_pct, max(growth_pct) AS max_growth_pct,
           (array_agg(growth_pct ORDER BY preference) FILTER (WHERE growth_pct IS NOT NULL))[1] AS first_growth_pct
    FROM candidates
    GROUP BY region_code, year, indicator, kind, measure
)
SELECT c.region_code, c.region_name AS region, c.region_level, c.year, c.indicator, c.kind, c.measure,
       c.id AS fact_id, c.document_id, c.value, c.unit, c.base_value, c.unit_class, c.qualifier,
       coalesce(c.growth_pct, s.first_growth_pct) AS growth_pct,
       s.n_facts, s.n_sources, s.min_value, s.max_value,
       coalesce(s.max_value - s.min_value > 0.005 * greatest(abs(s.max_value), abs(s.min_value)), false)
           OR coalesce(s.max_growth_pct - s.min_growth_pct > 0.01, false) AS conflict
FROM candidates c
JOIN spread s ON s.region_code = c.region_code AND s.year = c.year AND s.indicator = c.indicator
             AND s.kind = c.kind AND s.measure IS NOT DISTINCT FROM c.measure
WHERE c.preference = 1
WITH DATA;
-- REFRESH … CONCURRENTLY needs a unique index on plain columns covering every row; the key has a nullable column
-- (measure), so the index is on the chosen fact, which is one per row.
CREATE UNIQUE INDEX consolidated_fact ON reporting.consolidated (fact_id);
CREATE INDEX consolidated_key ON reporting.consolidated (region_code, indicator, kind, year);
CREATE INDEX consolidated_year ON reporting.consolidated (indicator, year);
UPDATE zhibiao.reporting_refreshes SET refreshed_at = now() WHERE view_name = 'consolidated';

-- Time series of actual values per region × indicator × measure: the stated growth as written, and the growth
-- computed from the previous year's consolidated value of the same measure when that year exists (`change_pct`
-- over any earlier year).
CREATE VIEW reporting.series AS
SELECT c.region_code, c.region, c.indicator, c.measure, c.year, c.value, c.unit, c.base_value, c.unit_class,
       c.qualifier, c.growth_pct AS stated_growth_pct,
       p.year AS previous_year, p.base_value AS previous_base_value,
       CASE WHEN p.year = c.year - 1 AND p.base_value <> 0
            THEN round((c.base_value / p.base_value - 1) * 100, 2) END AS computed_growth_pct,
       CASE WHEN p.base_value <> 0 THEN round((c.base_value / p.base_value - 1) * 100, 2) END AS change_pct,
       c.n_sources, c.conflict, c.fact_id
FROM reporting.consolidated c
LEFT JOIN LATERAL (
    SELECT q.year, q.base_value FROM reporting.consolidated q
    WHERE q.region_code = c.region_code AND q.indicator = c.indicator AND q.kind = 'actual'
      AND q.measure IS NOT DISTINCT FROM c.measure AND q.year < c.year AND q.base_value IS NOT NULL
    ORDER BY q.year DESC LIMIT 1
) p ON c.base_value IS NOT NULL
WHERE c.kind = 'actual';

-- Targets against the actual figure for the same region, indicator, measure and year. A value target is achieved
-- when the actual value reaches it (stays within it for at_most); a growth target when the actual growth, stated or
-- computed, reaches it. `status`: achieved, missed, or pending (no actual yet).
CREATE VIEW reporting.targets AS
SELECT t.region_code, t.region, t.year, t.indicator,
       t.value AS target_value, t.unit AS target_unit, t.base_value AS target_base_value,
       t.unit_class, t.qualifier AS target_qualifier, t.growth_pct AS target_growth_pct,
       a.base_value AS actual_base_value, coalesce(a.stated_growth_pct, a.computed_growth_pct) AS actual_growth_pct,
       achieved.value AS achieved,
       CASE WHEN achieved.value THEN 'achieved' WHEN NOT achieved.value THEN 'missed' ELSE 'pending' END AS status,
       t.fact_id AS target_fact_id, a.fact_id AS actual_fact_id, t.measure
FROM reporting.consolidated t
LEFT JOIN reporting.series a
       ON a.region_code = t.region_code AND a.indicator = t.indicator AND a.year = t.year
      AND a.measure IS NOT DISTINCT FROM t.measure
CROSS JOIN LATERAL (SELECT CASE
    WHEN t.base_value IS NOT NULL AND a.base_value IS NOT NULL THEN
        CASE WHEN t.qualifier = 'at_most' THEN a.base_value <= t.base_value ELSE a.base_value >= t.base_value END
    WHEN t.base_value IS NULL AND t.growth_pct IS NOT NULL
         AND coalesce(a.stated_growth_pct, a.computed_growth_pct) IS NOT NULL THEN
        coalesce(a.stated_growth_pct, a.computed_growth_pct) >= t.growth_pct
    END AS value) achieved
WHERE t.kind = 'target';

-- A dashboard row per region and year that states facts. The indicator columns come from the consolidated values:
-- `actuals`/`targets` hold each indicator's level (or flow) value, `actuals_added`/`targets_added` what a year added
-- to a stock. `facts` and `documents` count facts with an indicator; `unindexed_facts` and `all_documents` are for
-- requests that ask for facts without one.
CREATE VIEW reporting.summary AS
WITH indicators AS (
    SELECT c.region_code, c.year,
           count(DISTINCT c.indicator) FILTER (WHERE c.kind = 'actual') AS actual_indicators,
           count(DISTINCT c.indicator) FILTER (WHERE c.kind = 'target') AS target_indicators,
           count(*) FILTER (WHERE c.conflict) AS conflicts,
           sum(c.n_facts) AS facts,
           max(c.base_value) FILTER (WHERE c.kind = 'actual' AND c.indicator = 'gdp'
                                       AND c.measure IS DISTINCT FROM 'added') AS gdp,
           max(c.growth_pct) FILTER (WHERE c.kind = 'actual' AND c.indicator = 'gdp'
                                       AND c.measure IS DISTINCT FROM 'added') AS gdp_growth_pct,
           jsonb_object_agg(c.indicator, c.base_value)
               FILTER (WHERE c.kind = 'actual' AND c.measure IS DISTINCT FROM 'added') AS actuals,
           jsonb_object_agg(c.indicator, coalesce(c.base_value, c.growth_pct))
               FILTER (WHERE c.kind = 'target' AND c.measure IS DISTINCT FROM 'added') AS targets,
           jsonb_object_agg(c.indicator, c.base_value)
               FILTER (WHERE c.kind = 'actual' AND c.measure = 'added') AS actuals_added,
           jsonb_object_agg(c.indicator, coalesce(c.base_value, c.growth_pct))
               FILTER (WHERE c.kind = 'target' AND c.measure = 'added') AS targets_added
    FROM reporting.consolidated c
    GROUP BY c.region_code, c.year
),
stated AS (
    SELECT f.region_code, f.year,
           count(*) FILTER (WHERE f.indicator IS NULL) AS unindexed_facts,
           count(DISTINCT f.document_id) FILTER (WHERE f.indicator IS NOT NULL) AS documents,
           count(DISTINCT f.document_id) AS all_documents
    FROM zhibiao.facts f
    WHERE f.region_code IS NOT NULL AND f.year IS NOT NULL
    GROUP BY f.region_code, f.year
)
SELECT s.region_code, r.name AS region, r.level, s.year,
       coalesce(i.actual_indicators, 0) AS actual_indicators, coalesce(i.target_indicators, 0) AS target_indicators,
       coalesce(i.conflicts, 0) AS conflicts, coalesce(i.facts, 0) AS facts, s.documents,
       i.gdp, i.gdp_growth_pct,
       coalesce(i.actuals, '{}') AS actuals, coalesce(i.targets, '{}') AS targets,
       coalesce(i.actuals_added, '{}') AS actuals_added, coalesce(i.targets_added, '{}') AS targets_added,
       s.unindexed_facts, s.all_documents
FROM stated s
JOIN zhibiao.regions r ON r.code = s.region_code
LEFT JOIN indicators i ON i.region_code = s.region_code AND i.year = s.year;

GRANT SELECT ON reporting.consolidated, reporting.series, reporting.targets, reporting.summary TO zhibiao_reporting;
