-- Ingest's cost in PostgreSQL (issue 17): consolidation by merge for new documents, and the writers' lock held
-- only for the consolidation and the COMMIT.
--
-- Under 0010, every facts statement recomputed its keys from all their facts (the cost grew with how many sources
-- state a figure), and the generation's lock was taken by a batch's first write (the documents) and held to COMMIT:
-- the writing part of concurrent batches ran one at a time, and on two cores the writers, not the parsers, set the
-- pace. Now:
--   - the facts of documents that had none merge into their keys' consolidated rows (the new facts against the
--     chosen one), so a batch costs its own facts; any other statement (a reparse deletes first, a script adding
--     facts to a stored document) still recomputes its keys from scratch;
--   - a document statement advances the generation at COMMIT (a deferred trigger), so the lock is taken by the
--     facts statement's consolidation, which needs it, and held only from there to COMMIT.

-- 1. The source order as one value. The consolidated rule (0010, docs/protocol.md) orders a key's facts by: a value
-- before a growth-only fact, exact before approx before bounds, the later publication date, the later submitted
-- message, the later stored document, the first statement. `source_rank` is that order as an array compared
-- ascending, so the chosen fact is `min(rank)` (its id the last element), and two ranks compare without the facts.
CREATE FUNCTION zhibiao.source_rank(base_value numeric, qualifier text, published_on date, message_id bigint,
                                    document_id bigint, fact_id bigint) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY[(base_value IS NULL)::int,
                 CASE qualifier WHEN 'exact' THEN 0 WHEN 'approx' THEN 1 ELSE 2 END,
                 (published_on IS NULL)::int, coalesce(date '1970-01-01' - published_on, 0),
                 (message_id IS NULL)::int, coalesce(-message_id, 0),
                 -document_id, fact_id]::bigint[]
$$;

-- What a merge needs of a key besides its chosen fact: the first fact stating a growth rate (the key's growth when
-- the chosen fact states none) and the range of the growth rates (a conflict).
ALTER TABLE zhibiao.consolidated
    ADD COLUMN growth_fact_id bigint,
    ADD COLUMN min_growth_pct numeric,
    ADD COLUMN max_growth_pct numeric;

-- A fact as consolidation reads it: its key, its source, its figures and its rank.
CREATE TYPE zhibiao.stated_fact AS (
    region_code  text,
    year         integer,
    indicator    text,
    kind         text,
    measure      text,
    document_id  bigint,
    base_value   numeric,
    growth_pct   numeric,
    rank         bigint[]
);

-- Writes the consolidated rows of the keys of `stated`, from those facts alone, or with `merge` from those facts and
-- the keys' current rows. A text is one document (`documents.text_sha256` is unique), so sources are counted as
-- documents: per key and document first, then per key, which needs no DISTINCT (a sort per key) and lets a current
-- row count as what its sources were. Rows are written in key order: two writers lock keys in the same order.
CREATE FUNCTION zhibiao.consolidate(stated zhibiao.stated_fact[], merge boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    EXECUTE $sql$
    WITH stated AS (
        SELECT * FROM unnest($1)
    ), by_source AS (
        SELECT region_code, year, indicator, kind, measure, min(rank) AS best,
               min(rank) FILTER (WHERE growth_pct IS NOT NULL) AS best_growth, count(*) AS n_facts,
               1 AS n_sources, min(base_value) AS min_value, max(base_value) AS max_value,
               min(growth_pct) AS min_growth_pct, max(growth_pct) AS max_growth_pct
        FROM stated GROUP BY region_code, year, indicator, kind, measure, document_id
        UNION ALL
        SELECT o.region_code, o.year, o.indicator, o.kind, o.measure,
               zhibiao.source_rank(c.base_value, c.qualifier, cd.published_on, cd.message_id, c.document_id, c.id),
               CASE WHEN g.id IS NOT NULL THEN
                   zhibiao.source_rank(g.base_value, g.qualifier, gd.published_on, gd.message_id, g.document_id, g.id)
               END,
               o.n_facts, o.n_sources, o.min_value, o.max_value, o.min_growth_pct, o.max_growth_pct
        FROM (SELECT DISTINCT region_code, year, indicator, kind, measure FROM stated) k
        JOIN zhibiao.consolidated o
          ON o.region_code = k.region_code AND o.indicator = k.indicator AND o.kind = k.kind AND o.year = k.year
         AND o.measure IS NOT DISTINCT FROM k.measure
        JOIN zhibiao.facts c ON c.id = o.fact_id
        JOIN zhibiao.documents cd ON cd.id = c.document_id
        LEFT JOIN zhibiao.facts g ON g.id = o.growth_fact_id
        LEFT JOIN zhibiao.documents gd ON gd.id = g.document_id
        WHERE $2
    ), spread AS (
        SELECT region_code, year, indicator, kind, measure, min(best) AS best, min(best_growth) AS best_growth,
               sum(n_facts) AS n_facts, sum(n_sources) AS n_sources, min(min_value) AS min_value,
               max(max_value) AS max_value, min(min_growth_pct) AS min_growth_pct,
               max(max_growth_pct) AS max_growth_pct
        FROM by_source GROUP BY region_code, year, indicator, kind, measure
    )
    INSERT INTO zhibiao.consolidated AS o (region_code, year, indicator, kind, measure, fact_id, document_id, value,
                                           unit, base_value, unit_class, qualifier, growth_pct, n_facts, n_sources,
                                           min_value, max_value, conflict, growth_fact_id, min_growth_pct,
                                           max_growth_pct)
    SELECT s.region_code, s.year, s.indicator, s.kind, s.measure, c.id, c.document_id, c.value, c.unit,
           c.base_value, c.unit_class, c.qualifier, coalesce(c.growth_pct, g.growth_pct), s.n_facts, s.n_sources,
           s.min_value, s.max_value,
           coalesce(s.max_value - s.min_value > 0.005 * greatest(abs(s.max_value), abs(s.min_value)), false)
               OR coalesce(s.max_growth_pct - s.min_growth_pct > 0.01, false),
           g.id, s.min_growth_pct, s.max_growth_pct
    FROM spread s
    JOIN zhibiao.facts c ON c.id = s.best[8]
    LEFT JOIN zhibiao.facts g ON g.id = s.best_growth[8]
    ORDER BY s.region_code, s.indicator, s.kind, s.year, s.measure
    ON CONFLICT ON CONSTRAINT consolidated_key DO UPDATE SET
        fact_id = excluded.fact_id, document_id = excluded.document_id, value = excluded.value,
        unit = excluded.unit, base_value = excluded.base_value, unit_class = excluded.unit_class,
        qualifier = excluded.qualifier, growth_pct = excluded.growth_pct, n_facts = excluded.n_facts,
        n_sources = excluded.n_sources, min_value = excluded.min_value, max_value = excluded.max_value,
        conflict = excluded.conflict, growth_fact_id = excluded.growth_fact_id,
        min_growth_pct = excluded.min_growth_pct, max_growth_pct = excluded.max_growth_pct
    $sql$ USING stated, merge;
END $$;
REVOKE ALL ON FUNCTION zhibiao.consolidate(zhibiao.stated_fact[], boolean) FROM PUBLIC;

-- 2. The generation, advanced once per transaction: the first call takes the row's lock (waiting for a writer that
-- holds it to commit) and later calls in the same transaction find the row already theirs.
CREATE FUNCTION zhibiao.advance_generation() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    UPDATE zhibiao.facts_generation SET generation = generation + 1, changed_at = clock_timestamp()
    WHERE xmin <> pg_current_xact_id()::xid
$$;
REVOKE ALL ON FUNCTION zhibiao.advance_generation() FROM PUBLIC;

-- From scratch: the keys' rows recomputed from all their facts (deletes, reparse, a changed document date, and
-- facts added to a document that had some). Planned at each call (EXECUTE; see 0010).
CREATE OR REPLACE FUNCTION zhibiao.facts_changed(keys zhibiao.consolidation_key[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    stated zhibiao.stated_fact[];
BEGIN
    PERFORM zhibiao.advance_generation();
    IF coalesce(cardinality(keys), 0) = 0 THEN
        RETURN;
    END IF;
    EXECUTE $sql$
    DELETE FROM zhibiao.consolidated c USING unnest($1) k
    WHERE c.region_code = k.region_code AND c.year = k.year AND c.indicator = k.indicator AND c.kind = k.kind
      AND c.measure IS NOT DISTINCT FROM k.measure
    $sql$ USING keys;
    EXECUTE $sql$
    WITH keyed AS MATERIALIZED (
        SELECT f.* FROM (SELECT DISTINCT * FROM unnest($1)) k
        JOIN zhibiao.facts f
          ON f.indicator = k.indicator AND f.region_code = k.region_code AND f.year = k.year AND f.kind = k.kind
         AND f.measure IS NOT DISTINCT FROM k.measure AND f.indicator IS NOT NULL
    ), sources AS MATERIALIZED (
        SELECT d.id, d.published_on, d.message_id FROM zhibiao.documents d
        WHERE d.id = ANY (ARRAY(SELECT DISTINCT document_id FROM keyed))
    ), places AS MATERIALIZED (
        SELECT r.code FROM zhibiao.regions r WHERE r.code = ANY (ARRAY(SELECT DISTINCT region_code FROM keyed))
    )
    SELECT ARRAY(
        SELECT ROW(f.region_code, f.year, f.indicator, f.kind, f.measure, f.document_id, f.base_value, f.growth_pct,
                   zhibiao.source_rank(f.base_value, f.qualifier, d.published_on, d.message_id, f.document_id, f.id)
               )::zhibiao.stated_fact
        FROM keyed f
        JOIN sources d ON d.id = f.document_id
        JOIN places r ON r.code = f.region_code)
    $sql$ INTO stated USING keys;
    PERFORM zhibiao.consolidate(stated, false);
END $$;

-- Both ways read the documents and regions their facts name by key, once (`= ANY` of the distinct ids, in
-- materialized CTEs): joined to the facts directly, the planner, which cannot know that a thousand facts come from
-- sixteen documents, hashed the whole documents and regions tables for every batch — at 100,000 documents most of a
-- batch's cost (`make scale`); and as a filter inside the join it probed the regions' index with the whole list
-- for every fact, which made a recomputation of every key run for minutes.
--
-- By merge: the facts one statement inserted. A document all of whose facts are in `added` is a new source of its
-- keys, so each key's row is its current row and the new facts combined (`consolidate` with `merge`): a batch costs
-- its own facts, not every fact of its keys. Keys stated by a document that already had facts (a script adding to a
-- stored document) are recomputed from scratch. The queries read the trigger's transition table `added`, which
-- EXECUTE sees too.
CREATE OR REPLACE FUNCTION zhibiao.facts_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    stale zhibiao.consolidation_key[];
    stated zhibiao.stated_fact[];
BEGIN
    PERFORM zhibiao.advance_generation();
    EXECUTE $sql$
    WITH statement AS (
        SELECT document_id, count(*) AS facts FROM added GROUP BY document_id
    ), restated AS MATERIALIZED (  -- counted once per document, not once per fact
        SELECT s.document_id FROM statement s
        WHERE (SELECT count(*) FROM zhibiao.facts f WHERE f.document_id = s.document_id) <> s.facts
    )
    SELECT ARRAY(
        SELECT DISTINCT ROW(a.region_code, a.year, a.indicator, a.kind, a.measure)::zhibiao.consolidation_key
        FROM added a JOIN restated USING (document_id)
        WHERE a.indicator IS NOT NULL AND a.year IS NOT NULL AND a.region_code IS NOT NULL)
    $sql$ INTO stale;
    PERFORM zhibiao.facts_changed(stale);
    EXECUTE $sql$
    WITH sources AS MATERIALIZED (
        SELECT d.id, d.published_on, d.message_id FROM zhibiao.documents d
        WHERE d.id = ANY (ARRAY(SELECT DISTINCT document_id FROM added))
    ), places AS MATERIALIZED (
        SELECT r.code FROM zhibiao.regions r WHERE r.code = ANY (ARRAY(SELECT DISTINCT region_code FROM added))
    )
    SELECT ARRAY(
        SELECT ROW(a.region_code, a.year, a.indicator, a.kind, a.measure, a.document_id, a.base_value, a.growth_pct,
                   zhibiao.source_rank(a.base_value, a.qualifier, d.published_on, d.message_id, a.document_id, a.id)
               )::zhibiao.stated_fact
        FROM added a
        JOIN sources d ON d.id = a.document_id
        JOIN places r ON r.code = a.region_code
        WHERE a.indicator IS NOT NULL AND a.year IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM unnest($1) k
                          WHERE k.region_code = a.region_code AND k.year = a.year AND k.indicator = a.indicator
                            AND k.kind = a.kind AND k.measure IS NOT DISTINCT FROM a.measure))
    $sql$ INTO stated USING stale;
    PERFORM zhibiao.consolidate(stated, true);
    RETURN NULL;
END $$;

-- 3. Documents advance the generation at COMMIT, once per transaction (they change answers: `documents`, a report
-- without facts). Deferred, so that storing documents takes no lock that other writers wait for.
CREATE OR REPLACE FUNCTION zhibiao.documents_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM zhibiao.advance_generation();
    RETURN NULL;
END $$;
DROP TRIGGER documents_generation ON zhibiao.documents;
CREATE CONSTRAINT TRIGGER documents_generation AFTER INSERT OR UPDATE OR DELETE ON zhibiao.documents
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION zhibiao.documents_changed();

-- Every key there is, consolidated once now (the new columns filled).
SELECT zhibiao.facts_changed(ARRAY(
    SELECT DISTINCT ROW(region_code, year, indicator, kind, measure)::zhibiao.consolidation_key
    FROM zhibiao.facts WHERE indicator IS NOT NULL AND year IS NOT NULL AND region_code IS NOT NULL));
