-- The ingest write path, made cheaper after profiling `make bench` (2,000 documents, 147,200 facts, 2 cores).
--
-- Fact rows lose their row-by-row foreign keys. Each was an RI trigger firing for every fact row, and together they
-- were the largest cost of a COPY of facts (5.0 s with them against 2.0 s without, for 147,200 rows):
--   - facts → documents locked the same wide documents row FOR KEY SHARE for every fact, through an RI plan a new
--     session caches while the table is still small (a sequential scan): 81 µs a row, 12.6 s of a 36 s run;
--   - facts → articles and facts → regions cost 10 µs a row each, a quarter of the ingest's CPU time.
-- The ingest writes a document's regions, articles and facts in one transaction, from one parse, so the references
-- hold by construction (the ingest tests check them); what the keys still did is done here once
-- per statement instead: deleting articles (a document's deletion cascades to them) deletes their facts.
ALTER TABLE zhibiao.facts
    DROP CONSTRAINT facts_document_id_fkey,
    DROP CONSTRAINT facts_document_id_article_fkey,
    DROP CONSTRAINT facts_region_code_fkey;

CREATE FUNCTION zhibiao.delete_facts_of_articles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM zhibiao.facts f USING gone g WHERE f.document_id = g.document_id AND f.article = g.ordinal;
    RETURN NULL;
END $$;

CREATE TRIGGER articles_delete_facts AFTER DELETE ON zhibiao.articles
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION zhibiao.delete_facts_of_articles();

-- Report bytes and texts are compressed with LZ4 rather than pglz: several times faster to write, for a few percent
-- more space. (Applies to rows written from now on.)
ALTER TABLE zhibiao.documents ALTER COLUMN raw SET COMPRESSION lz4, ALTER COLUMN text SET COMPRESSION lz4;
ALTER TABLE zhibiao.ingest_queue ALTER COLUMN bytes SET COMPRESSION lz4;

-- The announcement a writer makes when a document's facts changed, in one place for every writer (ingest, reparse,
-- or a script): a NOTIFY on `zhibiao_facts`, delivered at COMMIT, that the reporting service listens to.
CREATE FUNCTION zhibiao.announce_facts(document_id bigint, facts integer, reason text) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_notify('zhibiao_facts',
                     json_build_object('document_id', document_id, 'facts', facts, 'reason', reason)::text)
$$;
GRANT EXECUTE ON FUNCTION zhibiao.announce_facts(bigint, integer, text) TO zhibiao_ingest;
GRANT EXECUTE ON FUNCTION zhibiao.delete_facts_of_articles() TO zhibiao_ingest;
