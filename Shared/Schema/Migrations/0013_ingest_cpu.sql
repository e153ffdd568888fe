-- Ingest's CPU in PostgreSQL (issue 17). pg_stat_statements (track = all, track_planning) on one `serve --once` of
-- the bench's 2,000 documents: of the backends' ~4.9 s of CPU, 0.41 s was JIT compilation — of the trigger's
-- restated-documents query alone, 414 ms of JIT for 69 ms of execution over 63 batches. The consolidation triggers
-- plan their statements at each call (EXECUTE, so that a plan fits the batch), and a plan over a whole batch's
-- transition table is estimated above `jit_above_cost`: each batch compiled code it then ran once.

-- 1. No JIT in the statements a write's triggers run (their nested calls inherit the setting). A from-scratch
-- recomputation called directly (`facts_changed` from a migration or by an owner) keeps the server's setting.
ALTER FUNCTION zhibiao.facts_inserted() SET jit = off;
ALTER FUNCTION zhibiao.facts_deleted() SET jit = off;
ALTER FUNCTION zhibiao.document_order_changed() SET jit = off;

-- 2. The generation's UPDATE as PL/pgSQL: a document row's deferred trigger calls it at COMMIT, once per document
-- of a batch, and as a SQL function its statement was planned again at every call (2,126 plans for 2,000
-- documents); PL/pgSQL keeps the plan for the session. The statement is unchanged (0011).
CREATE OR REPLACE FUNCTION zhibiao.advance_generation() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE zhibiao.facts_generation SET generation = generation + 1, changed_at = clock_timestamp()
    WHERE xmin <> pg_current_xact_id()::xid;
END $$;
