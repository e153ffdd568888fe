-- Scaling out on PostgreSQL's own machinery (issue 15): consolidated values maintained by the writers, and a
-- generation a hot standby can read.
--
-- Until now the reporting service ran `REFRESH MATERIALIZED VIEW CONCURRENTLY reporting.consolidated` after each
-- change it heard of: the whole table recomputed for every batch, and only on a primary (a standby accepts neither
-- REFRESH nor LISTEN). Now the transaction that changes facts also updates the consolidated rows of the keys it
-- touched, and advances `zhibiao.facts_generation`, in statement triggers on `zhibiao.facts`: every writer alike
-- (ingest, reparse, an owner's DELETE of a document), the cost of a batch independent of the table's size, and
-- whatever a standby has replayed is consistent with its generation.

-- 1. The submission order: which of two documents of the same date is the later.
--
-- The consolidated rule preferred "the later ingested document" (the higher document id). With two workers, which
-- of two batches commits first is a matter of timing, so the same reports ingested twice could consolidate
-- differently (the flaky answers of `make chaos`). The queue message a document came from is fixed when it is
-- submitted, and `submit` enqueues in the order it is given.
ALTER TABLE zhibiao.documents ADD COLUMN message_id bigint;
COMMENT ON COLUMN zhibiao.documents.message_id IS
    'the ingest_queue message that brought the document: its submission order, the tie-break between sources';
UPDATE zhibiao.documents d SET message_id = q.id FROM zhibiao.ingest_queue q WHERE q.sha256 = d.sha256;

-- 2. The generation: one row, advanced by every transaction that changes facts or documents, in that transaction.
--
-- A reader (on the primary or on a standby) that sees a generation sees exactly the facts and consolidated values
-- committed with it. `changed_at` is the clock when the change was written, just before its COMMIT: the `as_of` of
-- answers. The row is also the writers' lock: a writer holds it from its first write of documents or facts to its
-- COMMIT, so consolidations never run concurrently and each sees every fact committed before it (no lost update,
-- and no deadlock among consolidations, whatever keys two batches share).
CREATE TABLE zhibiao.facts_generation (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    generation  bigint NOT NULL,
    changed_at  timestamptz NOT NULL
);
INSERT INTO zhibiao.facts_generation (generation, changed_at) VALUES (1, clock_timestamp());
REVOKE ALL ON zhibiao.facts_generation FROM zhibiao_ingest;

-- 3. The consolidated values, a table: one row per region × year × indicator × kind × measure.
--
-- The chosen value is the first fact in this order (the rule documented in docs/protocol.md):
--   1. a fact with a value before a growth-only one;
--   2. exact before approx before at_least/at_most;
--   3. the most recent document: published_on, then the later submitted (documents.message_id), then the later
--      stored (document id, for documents that did not come through the queue);
--   4. within one document, the first statement (lowest fact id: the order the engine read them in).
-- `n_sources` counts distinct texts (documents.text_sha256). `conflict` is true when the sources' base values differ
-- by more than 0.5 % of the larger (the rounding the gold tolerates), or their stated growth rates by more than 0.01
-- points. The region's name and level are joined by the view below, so a corrected region needs no maintenance.
CREATE TABLE zhibiao.consolidated (
    region_code  text NOT NULL,
    year         integer NOT NULL,
    indicator    text NOT NULL,
    kind         text NOT NULL,
    measure      text,
    fact_id      bigint NOT NULL,
    document_id  bigint NOT NULL,
    value        numeric,
    unit         text,
    base_value   numeric,
    unit_class   text,
    qualifier    text NOT NULL,
    growth_pct   numeric,
    n_facts      bigint NOT NULL,
    n_sources    bigint NOT NULL,
    min_value    numeric,
    max_value    numeric,
    conflict     boolean NOT NULL,
    CONSTRAINT consolidated_key UNIQUE NULLS NOT DISTINCT (region_code, indicator, kind, year, measure)
);
CREATE INDEX consolidated_year ON zhibiao.consolidated (indicator, year);
CREATE UNIQUE INDEX consolidated_fact ON zhibiao.consolidated (fact_id);
REVOKE ALL ON zhibiao.consolidated FROM zhibiao_ingest;

CREATE TYPE zhibiao.consolidation_key AS (region_code text, year integer, indicator text, kind text, measure text);

-- Advances the generation and recomputes the consolidated rows of `keys` from the facts. Runs as the owner (the
-- writers' roles have no rights on either table). Every statement takes a new snapshot (READ COMMITTED, which the
-- writers use), so the recomputation, which runs after the generation's row lock is granted, sees the facts of the
-- writer that held it before.
CREATE FUNCTION zhibiao.facts_changed(keys zhibiao.consolidation_key[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE zhibiao.facts_generation SET generation = generation + 1, changed_at = clock_timestamp();
    IF cardinality(keys) = 0 THEN
        RETURN;
    END IF;
    -- Both statements are planned at each call (EXECUTE), not once per session: a daemon's session starts on an empty
    -- table, and a plan cached then (a sequential scan of the facts) would make every later batch cost the table.
    EXECUTE $sql$
    DELETE FROM zhibiao.consolidated c USING unnest($1) k
    WHERE c.region_code = k.region_code AND c.year = k.year AND c.indicator = k.indicator AND c.kind = k.kind
      AND c.measure IS NOT DISTINCT FROM k.measure
    $sql$ USING keys;
    -- One pass over the keys' facts (grouped, not a self-join: linear in the facts of the keys), the chosen fact by
    -- its primary key.
    EXECUTE $sql$
    INSERT INTO zhibiao.consolidated
    WITH touched AS (
        SELECT DISTINCT * FROM unnest($1)
    ), spread AS (
        SELECT f.region_code, f.year, f.indicator, f.kind, f.measure,
               (array_agg(f.id ORDER BY (f.base_value IS NULL),
                                        CASE f.qualifier WHEN 'exact' THEN 0 WHEN 'approx' THEN 1 ELSE 2 END,
                                        d.published_on DESC NULLS LAST, d.message_id DESC NULLS LAST,
                                        f.document_id DESC, f.id))[1] AS fact_id,
               (array_agg(f.growth_pct ORDER BY (f.base_value IS NULL),
                                                CASE f.qualifier WHEN 'exact' THEN 0 WHEN 'approx' THEN 1 ELSE 2 END,
                                                d.published_on DESC NULLS LAST, d.message_id DESC NULLS LAST,
                                                f.document_id DESC, f.id)
                    FILTER (WHERE f.growth_pct IS NOT NULL))[1] AS first_growth_pct,
               count(*) AS n_facts, count(DISTINCT d.text_sha256) AS n_sources,
               min(f.base_value) AS min_value, max(f.base_value) AS max_value,
               min(f.growth_pct) AS min_growth_pct, max(f.growth_pct) AS max_growth_pct
        FROM touched k
        JOIN zhibiao.facts f
          ON f.indicator = k.indicator AND f.region_code = k.region_code AND f.year = k.year AND f.kind = k.kind
         AND f.measure IS NOT DISTINCT FROM k.measure AND f.indicator IS NOT NULL
        JOIN zhibiao.documents d ON d.id = f.document_id
        JOIN zhibiao.regions r ON r.code = f.region_code
        GROUP BY f.region_code, f.year, f.indicator, f.kind, f.measure
    )
    SELECT s.region_code, s.year, s.indicator, s.kind, s.measure,
           c.id, c.document_id, c.value, c.unit, c.base_value, c.unit_class, c.qualifier,
           coalesce(c.growth_pct, s.first_growth_pct),
           s.n_facts, s.n_sources, s.min_value, s.max_value,
           coalesce(s.max_value - s.min_value > 0.005 * greatest(abs(s.max_value), abs(s.min_value)), false)
               OR coalesce(s.max_growth_pct - s.min_growth_pct > 0.01, false)
    FROM spread s
    JOIN zhibiao.facts c ON c.id = s.fact_id
    $sql$ USING keys;
END $$;
REVOKE ALL ON FUNCTION zhibiao.facts_changed(zhibiao.consolidation_key[]) FROM PUBLIC;

-- The triggers: once per statement, with the keys of the rows it inserted or deleted (a reparse deletes, then
-- inserts; a document's deletion cascades to its articles, whose trigger deletes their facts).
CREATE FUNCTION zhibiao.facts_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM zhibiao.facts_changed(ARRAY(
        SELECT DISTINCT ROW(region_code, year, indicator, kind, measure)::zhibiao.consolidation_key
        FROM added WHERE indicator IS NOT NULL AND year IS NOT NULL AND region_code IS NOT NULL));
    RETURN NULL;
END $$;

CREATE FUNCTION zhibiao.facts_deleted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM zhibiao.facts_changed(ARRAY(
        SELECT DISTINCT ROW(region_code, year, indicator, kind, measure)::zhibiao.consolidation_key
        FROM gone WHERE indicator IS NOT NULL AND year IS NOT NULL AND region_code IS NOT NULL));
    RETURN NULL;
END $$;

-- Documents change answers too (`documents`, a report without facts): storing, re-parsing or deleting one advances
-- the generation. In ingest this is the batch's first write, so the generation's lock serializes the writing part
-- of concurrent batches (their parsing, before it, runs in parallel).
CREATE FUNCTION zhibiao.documents_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM zhibiao.facts_changed('{}');
    RETURN NULL;
END $$;

-- A document's date or submission order decides between sources: when one changes (an owner's correction), its
-- keys are consolidated again.
CREATE FUNCTION zhibiao.document_order_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM zhibiao.facts_changed(ARRAY(
        SELECT DISTINCT ROW(region_code, year, indicator, kind, measure)::zhibiao.consolidation_key
        FROM zhibiao.facts
        WHERE document_id = NEW.id AND indicator IS NOT NULL AND year IS NOT NULL AND region_code IS NOT NULL));
    RETURN NULL;
END $$;

CREATE TRIGGER facts_consolidate_inserted AFTER INSERT ON zhibiao.facts
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION zhibiao.facts_inserted();
CREATE TRIGGER facts_consolidate_deleted AFTER DELETE ON zhibiao.facts
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION zhibiao.facts_deleted();
CREATE TRIGGER documents_generation AFTER INSERT OR UPDATE OR DELETE ON zhibiao.documents
    FOR EACH STATEMENT EXECUTE FUNCTION zhibiao.documents_changed();
CREATE TRIGGER documents_consolidate_order AFTER UPDATE OF published_on, message_id ON zhibiao.documents
    FOR EACH ROW WHEN ((OLD.published_on, OLD.message_id) IS DISTINCT FROM (NEW.published_on, NEW.message_id))
    EXECUTE FUNCTION zhibiao.document_order_changed();

-- Every key there is, consolidated once now.
SELECT zhibiao.facts_changed(ARRAY(
    SELECT DISTINCT ROW(region_code, year, indicator, kind, measure)::zhibiao.consolidation_key
    FROM zhibiao.facts WHERE indicator IS NOT NULL AND year IS NOT NULL AND region_code IS NOT NULL));

-- 4. The reporting views: `reporting.consolidated` keeps its columns, now a plain view over the table. The views
-- built on it are made again as 0006 made them, with the same grants.
DROP MATERIALIZED VIEW reporting.consolidated CASCADE;  -- and reporting.series, reporting.targets, reporting.summary
DROP FUNCTION reporting.refresh_consolidated();

CREATE VIEW reporting.consolidated AS
SELECT c.region_code, r.name AS region, r.level AS region_level, c.year, c.indicator, c.kind, c.measure,
       c.fact_id, c.document_id, c.value, c.unit, c.base_value, c.unit_class, c.qualifier, c.growth_pct,
       c.n_facts, c.n_sources, c.min_value, c.max_value, c.conflict
FROM zhibiao.consolidated c
JOIN zhibiao.regions r ON r.code = c.region_code;

-- What answers are as of: the generation, the same on a standby once it has replayed it.
CREATE OR REPLACE VIEW reporting.freshness AS
SELECT 'consolidated'::text AS view_name, changed_at AS as_of, generation FROM zhibiao.facts_generation;
DROP TABLE zhibiao.reporting_refreshes;

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
