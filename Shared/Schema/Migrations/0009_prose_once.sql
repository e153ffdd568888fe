-- Prose stored once (issue 17).
--
-- Every fact row carried its whole sentence and its evidence as text: a sentence with four figures was written four
-- times (heap or TOAST, WAL, COPY bytes), and the facts of a document were mostly its prose again. Now a sentence is
-- one row of `zhibiao.sentences`, written once for the facts read from it, and a fact keeps
--   - `sentence_ordinal`: its sentence within its document;
--   - `evidence_offset`: where its evidence starts in that sentence (in characters, from 0); the evidence is the
--     sentence's `span_end - span_start` characters from there;
--   - `evidence`: NULL, except for a fact whose evidence is not such a substring of its sentence, which keeps it whole.
-- The sentence is not cut out of `documents.text` instead: that text is TOASTed (LZ4), and every fact read would
-- fetch and decompress its whole document. `reporting.facts` serves `sentence` and `evidence` exactly as before.
-- And a UTF-8 report's bytes are no longer stored a second time beside its text (4.). Measured in docs/ingest.md.

-- 1. The sentences. No foreign key to documents: a key checks each row inserted (see 0004); the writers delete a
-- document's sentences with its facts (a reparse), and the trigger below when a document is deleted.
CREATE TABLE zhibiao.sentences (
    document_id  bigint NOT NULL,
    ordinal      integer NOT NULL CHECK (ordinal >= 0),
    text         text NOT NULL,
    PRIMARY KEY (document_id, ordinal)
);
-- Like facts (0007): inserted and deleted, never updated.
REVOKE UPDATE ON zhibiao.sentences FROM zhibiao_ingest;

CREATE FUNCTION zhibiao.delete_sentences_of_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM zhibiao.sentences s USING gone g WHERE s.document_id = g.id;
    RETURN NULL;
END $$;

CREATE TRIGGER documents_delete_sentences AFTER DELETE ON zhibiao.documents
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION zhibiao.delete_sentences_of_documents();

-- 2. Stored facts: one sentence row per distinct sentence text of a document, numbered in the order of its first fact
-- (as the ingest numbers them). The rows are written anew (TRUNCATE, then INSERT with their ids), so the old text
-- leaves the table's files at once instead of staying in the rows of dropped columns.
CREATE TEMPORARY TABLE old_facts ON COMMIT DROP AS SELECT * FROM zhibiao.facts;

INSERT INTO zhibiao.sentences (document_id, ordinal, text)
SELECT document_id, (row_number() OVER (PARTITION BY document_id ORDER BY first_fact) - 1)::integer, sentence
FROM (SELECT document_id, sentence, min(id) AS first_fact FROM old_facts GROUP BY document_id, sentence) s;

-- The views that read the prose columns go, and come back below over the new columns.
DROP VIEW reporting.facts;
DROP MATERIALIZED VIEW reporting.consolidated CASCADE;  -- and reporting.series, reporting.targets, reporting.summary

TRUNCATE zhibiao.facts;
ALTER TABLE zhibiao.facts
    DROP COLUMN sentence,
    ALTER COLUMN evidence DROP NOT NULL,
    ADD COLUMN sentence_ordinal integer NOT NULL,
    ADD COLUMN evidence_offset integer CHECK (evidence_offset >= 0),
    ADD CONSTRAINT facts_evidence_once CHECK ((evidence IS NULL) <> (evidence_offset IS NULL));

INSERT INTO zhibiao.facts (id, document_id, article, region, region_code, year, kind, indicator, label, value, unit,
                           base_value, unit_class, qualifier, growth_pct, measure, evidence, evidence_offset,
                           span_start, span_end, sentence_ordinal)
OVERRIDING SYSTEM VALUE
SELECT f.id, f.document_id, f.article, f.region, f.region_code, f.year, f.kind, f.indicator, f.label, f.value, f.unit,
       f.base_value, f.unit_class, f.qualifier, f.growth_pct, f.measure,
       CASE WHEN o.offset IS NULL THEN f.evidence END, o.offset, f.span_start, f.span_end, s.ordinal
FROM old_facts f
JOIN zhibiao.sentences s ON s.document_id = f.document_id AND s.text = f.sentence
CROSS JOIN LATERAL (
    SELECT CASE WHEN strpos(f.sentence, f.evidence) > 0 AND char_length(f.evidence) = f.span_end - f.span_start
                THEN strpos(f.sentence, f.evidence) - 1 END AS offset
) o
ORDER BY f.id;

-- 3. The views, as 0006 made them, over the new columns.
CREATE VIEW reporting.facts AS
SELECT f.id, f.document_id, d.source_name AS doc, d.published_on, f.article, a.title AS article_title,
       f.region, f.region_code, f.year, f.kind, f.indicator, f.label, f.value, f.unit, f.base_value, f.unit_class,
       f.qualifier, f.growth_pct,
       coalesce(f.evidence, substr(s.text, f.evidence_offset + 1, f.span_end - f.span_start)) AS evidence,
       f.span_start, f.span_end, s.text AS sentence, f.measure
FROM zhibiao.facts f
JOIN zhibiao.documents d ON d.id = f.document_id
-- LEFT (the sentence is always there): a query that reads no prose, such as a count, then skips the join.
LEFT JOIN zhibiao.sentences s ON s.document_id = f.document_id AND s.ordinal = f.sentence_ordinal
LEFT JOIN zhibiao.articles a ON a.document_id = f.document_id AND a.ordinal = f.article;

-- Consolidated values and the views over them: 0006's definitions, unchanged (the choice rule is documented there).
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

GRANT SELECT ON reporting.facts, reporting.consolidated, reporting.series, reporting.targets, reporting.summary
    TO zhibiao_reporting;

-- 4. A report's bytes once. Most reports are UTF-8 without a byte order mark or a CR: their bytes are exactly their
-- text's, and were stored twice (`raw` and `text`, each compressed in TOAST: a third of a document's WAL). `raw` is
-- now NULL when it equals convert_to(text, 'UTF8'); readers take coalesce(raw, convert_to(text, 'UTF8')).
ALTER TABLE zhibiao.documents ALTER COLUMN raw DROP NOT NULL;
UPDATE zhibiao.documents SET raw = NULL WHERE raw = convert_to(text, 'UTF8');
