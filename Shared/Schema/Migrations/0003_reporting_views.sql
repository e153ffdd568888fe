-- Reporting views: everything the reporting service reads, in schema `reporting`, over the base tables of 0001.
--
-- The views are owned by the migration owner, so they read the base tables with its rights; the role
-- `zhibiao_reporting` gets SELECT on these views only (never on `zhibiao.*`) and EXECUTE on one function that
-- refreshes the materialized view. Values stay NUMERIC end to end.

-- When each materialized view was last refreshed: the `as_of` of answers built on it.
CREATE TABLE zhibiao.reporting_refreshes (
    view_name     text PRIMARY KEY,
    refreshed_at  timestamptz NOT NULL
);
REVOKE ALL ON zhibiao.reporting_refreshes FROM zhibiao_ingest;

-- Region tree: every (ancestor, descendant) pair, a region being its own ancestor at distance 0.
CREATE VIEW reporting.region_closure AS
WITH RECURSIVE closure (ancestor_code, code, distance) AS (
    SELECT code, code, 0 FROM zhibiao.regions
    UNION ALL
    SELECT c.ancestor_code, r.code, c.distance + 1
    FROM closure c JOIN zhibiao.regions r ON r.parent_code = c.code
)
SELECT ancestor_code, code, distance FROM closure;

-- Regions with their place in the tree (`path`: codes from the root) and fact counts, own and with sub-regions.
CREATE VIEW reporting.regions AS
WITH RECURSIVE tree (code, path) AS (
    SELECT code, ARRAY[code] FROM zhibiao.regions WHERE parent_code IS NULL
    UNION ALL
    SELECT r.code, t.path || r.code FROM tree t JOIN zhibiao.regions r ON r.parent_code = t.code
),
own AS (
    SELECT region_code, count(*) AS facts FROM zhibiao.facts WHERE region_code IS NOT NULL GROUP BY region_code
)
SELECT r.code, r.name, r.level, r.parent_code, cardinality(t.path) - 1 AS depth, t.path,
       coalesce(o.facts, 0) AS facts,
       (SELECT coalesce(sum(o2.facts), 0)::bigint
        FROM reporting.region_closure c JOIN own o2 ON o2.region_code = c.code
        WHERE c.ancestor_code = r.code) AS facts_total
FROM zhibiao.regions r
JOIN tree t ON t.code = r.code
LEFT JOIN own o ON o.region_code = r.code;

-- The indicator catalogue with how many facts and regions each has.
CREATE VIEW reporting.indicators AS
SELECT i.id, i.unit_class, i.flow, i.names, i.note,
       (SELECT count(*) FROM zhibiao.facts f WHERE f.indicator = i.id) AS facts,
       (SELECT count(DISTINCT f.region_code) FROM zhibiao.facts f WHERE f.indicator = i.id) AS regions
FROM zhibiao.indicators i;

-- Every fact with its evidence and where it came from.
CREATE VIEW reporting.facts AS
SELECT f.id, f.document_id, d.source_name AS doc, d.published_on, f.article, a.title AS article_title,
       f.region, f.region_code, f.year, f.kind, f.indicator, f.label, f.value, f.unit, f.base_value, f.unit_class,
       f.qualifier, f.growth_pct, f.evidence, f.span_start, f.span_end, f.sentence
FROM zhibiao.facts f
JOIN zhibiao.documents d ON d.id = f.document_id
LEFT JOIN zhibiao.articles a ON a.document_id = f.document_id AND a.ordinal = f.article;

-- Consolidated values: one row per region × year × indicator × kind, over every document that states it.
--
-- The chosen value is the first fact in this order (the rule documented in docs/protocol.md):
--   1. a fact with a value before a growth-only one;
--   2. exact before approx before at_least/at_most;
--   3. the most recent document (published_on, then the later ingested document);
--   4. within one document, the first statement (lowest fact id).
-- `conflict` is true when the sources' base values differ by more than 0.5 % of the larger (the rounding the gold
-- tolerates), or their stated growth rates by more than 0.01 points.
CREATE MATERIALIZED VIEW reporting.consolidated AS
WITH candidates AS (
    SELECT f.*, r.name AS region_name, r.level AS region_level,
           row_number() OVER (
               PARTITION BY f.region_code, f.year, f.indicator, f.kind
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
    SELECT region_code, year, indicator, kind,
           count(*) AS n_facts, count(DISTINCT document_id) AS n_sources,
           min(base_value) AS min_value, max(base_value) AS max_value,
           min(growth_pct) AS min_growth_pct, max(growth_pct) AS max_growth_pct
    FROM candidates
    GROUP BY region_code, year, indicator, kind
)
SELECT c.region_code, c.region_name AS region, c.region_level, c.year, c.indicator, c.kind,
       c.id AS fact_id, c.document_id, c.value, c.unit, c.base_value, c.unit_class, c.qualifier,
       coalesce(c.growth_pct,
                (SELECT g.growth_pct FROM candidates g
                 WHERE g.region_code = c.region_code AND g.year = c.year AND g.indicator = c.indicator
                   AND g.kind = c.kind AND g.growth_pct IS NOT NULL
                 ORDER BY g.preference LIMIT 1)) AS growth_pct,
       s.n_facts, s.n_sources, s.min_value, s.max_value,
       coalesce(s.max_value - s.min_value > 0.005 * greatest(abs(s.max_value), abs(s.min_value)), false)
           OR coalesce(s.max_growth_pct - s.min_growth_pct > 0.01, false) AS conflict
FROM candidates c
JOIN spread s USING (region_code, year, indicator, kind)
WHERE c.preference = 1
WITH DATA;
-- REFRESH … CONCURRENTLY needs a unique index on plain columns.
CREATE UNIQUE INDEX consolidated_key ON reporting.consolidated (region_code, indicator, kind, year);
CREATE INDEX consolidated_year ON reporting.consolidated (indicator, year);
INSERT INTO zhibiao.reporting_refreshes VALUES ('consolidated', now());

-- When the consolidated values were computed (answers built on them carry it as `as_of`).
CREATE VIEW reporting.freshness AS
SELECT view_name, refreshed_at AS as_of FROM zhibiao.reporting_refreshes;

-- Time series of actual values per region × indicator: the stated growth as written, and the growth computed
-- from the previous year's consolidated value when that year exists (`change_pct` over any earlier year).
CREATE VIEW reporting.series AS
SELECT c.region_code, c.region, c.indicator, c.year, c.value, c.unit, c.base_value, c.unit_class, c.qualifier,
       c.growth_pct AS stated_growth_pct,
       p.year AS previous_year, p.base_value AS previous_base_value,
       CASE WHEN p.year = c.year - 1 AND p.base_value <> 0
            THEN round((c.base_value / p.base_value - 1) * 100, 2) END AS computed_growth_pct,
       CASE WHEN p.base_value <> 0 THEN round((c.base_value / p.base_value - 1) * 100, 2) END AS change_pct,
       c.n_sources, c.conflict, c.fact_id
FROM reporting.consolidated c
LEFT JOIN LATERAL (
    SELECT q.year, q.base_value FROM reporting.consolidated q
    WHERE q.region_code = c.region_code AND q.indicator = c.indicator AND q.kind = 'actual'
      AND q.year < c.year AND q.base_value IS NOT NULL
    ORDER BY q.year DESC LIMIT 1
) p ON c.base_value IS NOT NULL
WHERE c.kind = 'actual';

-- Targets against the actual figure for the same region, indicator and year. A value target is achieved when the
-- actual value reaches it (stays within it for at_most); a growth target when the actual growth, stated or
-- computed, reaches it. `status`: achieved, missed, or pending (no actual yet).
CREATE VIEW reporting.targets AS
SELECT t.region_code, t.region, t.year, t.indicator,
       t.value AS target_value, t.unit AS target_unit, t.base_value AS target_base_value,
       t.unit_class, t.qualifier AS target_qualifier, t.growth_pct AS target_growth_pct,
       a.base_value AS actual_base_value, coalesce(a.stated_growth_pct, a.computed_growth_pct) AS actual_growth_pct,
       achieved.value AS achieved,
       CASE WHEN achieved.value THEN 'achieved' WHEN NOT achieved.value THEN 'missed' ELSE 'pending' END AS status,
       t.fact_id AS target_fact_id, a.fact_id AS actual_fact_id
FROM reporting.consolidated t
LEFT JOIN reporting.series a
       ON a.region_code = t.region_code AND a.indicator = t.indicator AND a.year = t.year
CROSS JOIN LATERAL (SELECT CASE
    WHEN t.base_value IS NOT NULL AND a.base_value IS NOT NULL THEN
        CASE WHEN t.qualifier = 'at_most' THEN a.base_value <= t.base_value ELSE a.base_value >= t.base_value END
    WHEN t.base_value IS NULL AND t.growth_pct IS NOT NULL
         AND coalesce(a.stated_growth_pct, a.computed_growth_pct) IS NOT NULL THEN
        coalesce(a.stated_growth_pct, a.computed_growth_pct) >= t.growth_pct
    END AS value) achieved
WHERE t.kind = 'target';

-- A dashboard row per region and year.
CREATE VIEW reporting.summary AS
SELECT c.region_code, min(c.region) AS region, min(c.region_level) AS level, c.year,
       count(*) FILTER (WHERE c.kind = 'actual') AS actual_indicators,
       count(*) FILTER (WHERE c.kind = 'target') AS target_indicators,
       count(*) FILTER (WHERE c.conflict) AS conflicts,
       sum(c.n_facts) AS facts,
       (SELECT count(DISTINCT f.document_id) FROM zhibiao.facts f
        WHERE f.region_code = c.region_code AND f.year = c.year) AS documents,
       max(c.base_value) FILTER (WHERE c.kind = 'actual' AND c.indicator = 'gdp') AS gdp,
       max(c.growth_pct) FILTER (WHERE c.kind = 'actual' AND c.indicator = 'gdp') AS gdp_growth_pct,
       coalesce(jsonb_object_agg(c.indicator, c.base_value) FILTER (WHERE c.kind = 'actual'), '{}') AS actuals,
       coalesce(jsonb_object_agg(c.indicator, coalesce(c.base_value, c.growth_pct))
                FILTER (WHERE c.kind = 'target'), '{}') AS targets
FROM reporting.consolidated c
GROUP BY c.region_code, c.year;

-- Documents with extraction statistics.
CREATE VIEW reporting.documents AS
SELECT d.id, d.source_name AS name, encode(d.sha256, 'hex') AS sha256, d.source_url, d.published_on, d.region_hint,
       d.encoding, d.parser_version, d.received_at, d.parsed_at, char_length(d.text) AS characters,
       (SELECT count(*) FROM zhibiao.articles a WHERE a.document_id = d.id) AS articles,
       count(f.id) AS facts,
       count(f.id) FILTER (WHERE f.indicator IS NOT NULL) AS indicator_facts,
       count(f.id) FILTER (WHERE f.kind = 'target') AS targets,
       count(DISTINCT f.region_code) AS regions,
       coalesce(array_agg(DISTINCT f.year ORDER BY f.year) FILTER (WHERE f.year IS NOT NULL), '{}') AS years
FROM zhibiao.documents d
LEFT JOIN zhibiao.facts f ON f.document_id = d.id
GROUP BY d.id;

-- A document's decoded text (spans index it in Unicode scalars), kept apart so lists stay light.
CREATE VIEW reporting.document_texts AS
SELECT id, text FROM zhibiao.documents;

CREATE VIEW reporting.articles AS
SELECT a.document_id, a.ordinal, a.title, a.region, a.region_code, a.year, a.span_start, a.span_end,
       (SELECT count(*) FROM zhibiao.facts f WHERE f.document_id = a.document_id AND f.article = a.ordinal) AS facts
FROM zhibiao.articles a;

-- Refreshing needs the view's owner; the reporting role may only call this. CONCURRENTLY keeps readers unblocked.
-- Returns the new `as_of`.
CREATE FUNCTION reporting.refresh_consolidated() RETURNS timestamptz
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    refreshed timestamptz := now();
BEGIN
    REFRESH MATERIALIZED VIEW CONCURRENTLY reporting.consolidated;
    UPDATE zhibiao.reporting_refreshes SET refreshed_at = refreshed WHERE view_name = 'consolidated';
    RETURN refreshed;
END $$;
REVOKE ALL ON FUNCTION reporting.refresh_consolidated() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION reporting.refresh_consolidated() TO zhibiao_reporting;

GRANT SELECT ON reporting.region_closure, reporting.regions, reporting.indicators, reporting.facts,
    reporting.consolidated, reporting.freshness, reporting.series, reporting.targets, reporting.summary,
    reporting.documents, reporting.document_texts, reporting.articles TO zhibiao_reporting;
