-- Hardening against hostile input and faults (issue 13).
--
-- Numbered 0007, after the document model (0006), though written as 0005 before 0006 existed: the migrator applies
-- any shipped version not yet recorded, so a 0005 would have run after 0006 on databases that already had 0006 and
-- before it on new ones. One number, one order everywhere: this runs on 0006's schema, and grants what 0006's write
-- path uses. It can also run where its earlier draft (recorded as 0005_hardening) already ran: every statement
-- below tolerates that.

-- 1. The queue's columns within the range the claim and the status can compute with.
--
-- A producer writes the queue with plain SQL, so the table itself must refuse what would break the statements every
-- worker runs: an `attempt` at 2^31−1 overflowed the claim's `attempt + 1` (22003) and, that row being first in
-- line, stopped every worker; an infinite timestamp broke `status` (`now() - created_at`). With these constraints the
-- claim cannot fail on any row: it counts an attempt only below `max_attempts`, and discards the rest (see
-- IngestQueue.claimSQL).
--
-- Rows already out of range would make the constraints fail to apply: they are discarded first, their original
-- values kept in their error history.
UPDATE zhibiao.ingest_queue SET
    errors = errors || jsonb_build_array(jsonb_build_object(
        'attempt', attempt, 'at', now(), 'worker', 'migration 0007',
        'error', format('discarded by migration 0007: out of range (state %s, attempt %s, max_attempts %s, run_at %s, '
                        'created_at %s, locked_at %s)', state, attempt, max_attempts, run_at, created_at, locked_at))),
    state = 'discarded',
    max_attempts = least(max_attempts, 100),
    attempt = least(attempt, max_attempts, 100),
    run_at = CASE WHEN isfinite(run_at) THEN run_at ELSE now() END,
    created_at = CASE WHEN isfinite(created_at) THEN created_at ELSE now() END,
    locked_by = NULL, locked_at = NULL, finished_at = now(), updated_at = now()
WHERE NOT (max_attempts <= 100 AND attempt <= max_attempts
           AND isfinite(run_at) AND isfinite(created_at) AND isfinite(updated_at)
           AND coalesce(isfinite(locked_at), true) AND coalesce(isfinite(finished_at), true)
           AND (state <> 'running' OR locked_at IS NOT NULL));

ALTER TABLE zhibiao.ingest_queue
    DROP CONSTRAINT IF EXISTS ingest_queue_max_attempts_range,
    DROP CONSTRAINT IF EXISTS ingest_queue_attempt_range,
    DROP CONSTRAINT IF EXISTS ingest_queue_times_finite,
    DROP CONSTRAINT IF EXISTS ingest_queue_running_is_locked,
    ADD CONSTRAINT ingest_queue_max_attempts_range CHECK (max_attempts BETWEEN 1 AND 100),
    ADD CONSTRAINT ingest_queue_attempt_range CHECK (attempt BETWEEN 0 AND max_attempts),
    ADD CONSTRAINT ingest_queue_times_finite CHECK (
        isfinite(run_at) AND isfinite(created_at) AND isfinite(updated_at)
        AND coalesce(isfinite(locked_at), true) AND coalesce(isfinite(finished_at), true)),
    -- A running message is someone's claim: without `locked_at` it could never be taken over.
    ADD CONSTRAINT ingest_queue_running_is_locked CHECK (state <> 'running' OR locked_at IS NOT NULL);

-- 2. Least privilege: each service logs in as its own role, and holds only what it uses.
--
-- Until now the services logged in as the schema's owner (a superuser in the private cluster) and the reporting
-- sessions ran `SET ROLE zhibiao_reporting`, which any injected `RESET ROLE` would undo. Now `zhibiao_ingest` and
-- `zhibiao_reporting` are the logins themselves. NOINHERIT: were either ever granted another role, it would not act
-- with that role's rights without an explicit SET ROLE. Passwords are not set here (see `zhibiao-ingest migrate`
-- and deploy/README.md); the private cluster trusts its Unix socket.
ALTER ROLE zhibiao_ingest LOGIN NOINHERIT;
ALTER ROLE zhibiao_reporting LOGIN NOINHERIT;

-- Ingest writes what its code writes, and nothing else: documents and the queue are never deleted (0006's merging of
-- same-text documents ran as the owner; a worker now marks a same-text message done instead), articles and facts
-- never updated (a reparse deletes and inserts), the migration records only read. Regions are never deleted, and
-- updated only where 0006's write path corrects a stored region to the gazetteer's entry (DocumentStore: name,
-- level, parent_code — never the code that articles and facts refer to).
REVOKE DELETE ON zhibiao.documents, zhibiao.ingest_queue, zhibiao.regions, zhibiao.indicators FROM zhibiao_ingest;
REVOKE UPDATE ON zhibiao.regions, zhibiao.articles, zhibiao.facts FROM zhibiao_ingest;
GRANT UPDATE (name, level, parent_code) ON zhibiao.regions TO zhibiao_ingest;
REVOKE INSERT, UPDATE, DELETE ON zhibiao.schema_migrations FROM zhibiao_ingest;

-- The NOTIFYs are sent by functions that run as their owner, so neither service needs `pg_notify` itself.
ALTER FUNCTION zhibiao.ingest_queue_notify() SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
ALTER FUNCTION zhibiao.announce_facts(bigint, integer, text) SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
-- `retry` wakes the daemons; the queue's INSERT trigger wakes them for new messages.
CREATE OR REPLACE FUNCTION zhibiao.wake_ingest() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_notify('zhibiao_ingest', '')
$$;
REVOKE ALL ON FUNCTION zhibiao.wake_ingest() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION zhibiao.wake_ingest() TO zhibiao_ingest;

-- What every role gets by default and neither service needs: temporary tables (a place to write for a reporting
-- session), `pg_notify` on any channel (the reporting role could announce fake changes, or flood a channel), and
-- large objects (writes, even from a role that can write no table). Revoking the last two takes a superuser (they
-- belong to pg_catalog); when the migration runs as another owner they stay, and it says so.
DO $$
DECLARE
    owner regrole := (SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'zhibiao');
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        REVOKE EXECUTE ON FUNCTION pg_catalog.pg_notify(text, text), pg_catalog.lo_creat(integer),
            pg_catalog.lo_create(oid), pg_catalog.lo_from_bytea(oid, bytea) FROM PUBLIC;
        -- The definer functions above run as the schema's owner, which must keep `pg_notify`.
        EXECUTE format('GRANT EXECUTE ON FUNCTION pg_catalog.pg_notify(text, text) TO %s', owner);
    ELSE
        RAISE WARNING 'zhibiao 0007: not a superuser, so pg_notify and the large-object functions stay executable '
            'by every role; a superuser can run: REVOKE EXECUTE ON FUNCTION pg_notify(text, text), lo_creat(integer), '
            'lo_create(oid), lo_from_bytea(oid, bytea) FROM PUBLIC; GRANT EXECUTE ON FUNCTION pg_notify(text, text) TO %',
            owner;
    END IF;
END $$;
