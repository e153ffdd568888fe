-- A done message no longer keeps its report's bytes (issue 17; `make scale` found the queue holding 9.3 MiB per
-- 1,000 documents, as much as the documents themselves).
--
-- Once a message is done its report is a document: the text is stored, and the bytes apart from it when they are
-- not exactly the text's UTF-8 (`documents.raw`, migration 0009), so the queue's copy was a second one. The message
-- keeps its SHA-256, which is what its idempotency needs: the same bytes submitted again are still refused
-- (`ON CONFLICT (sha256) DO NOTHING`, and the stored documents' `sha256`). A message done as "the same text as
-- document N" in other bytes (another encoding, CRLF) keeps them: no document holds those. Failed and discarded
-- messages keep their bytes, for `retry`.

-- The SHA-256 is computed by a trigger instead of a generated column (which cannot outlive its bytes), for every
-- producer alike: the one-statement INSERT of docs/ingest.md is unchanged.
ALTER TABLE zhibiao.ingest_queue ALTER COLUMN sha256 DROP EXPRESSION;
ALTER TABLE zhibiao.ingest_queue ALTER COLUMN sha256 SET NOT NULL;
ALTER TABLE zhibiao.ingest_queue ALTER COLUMN bytes DROP NOT NULL;
ALTER TABLE zhibiao.ingest_queue
    ADD CONSTRAINT ingest_queue_bytes_until_done CHECK (bytes IS NOT NULL OR state = 'done');

CREATE FUNCTION zhibiao.ingest_queue_sha256() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.bytes IS NOT NULL THEN
        NEW.sha256 := sha256(NEW.bytes);
    ELSIF TG_OP = 'INSERT' THEN
        RAISE EXCEPTION 'a message needs its bytes' USING ERRCODE = 'not_null_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER ingest_queue_sha256 BEFORE INSERT OR UPDATE OF bytes, sha256 ON zhibiao.ingest_queue
    FOR EACH ROW EXECUTE FUNCTION zhibiao.ingest_queue_sha256();

-- The bytes of messages already done whose document holds them.
UPDATE zhibiao.ingest_queue q SET bytes = NULL
FROM zhibiao.documents d
WHERE q.state = 'done' AND d.id = q.document_id AND d.sha256 = q.sha256;
