-- Hardening against hostile input and faults (issue 13).

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
        'attempt', attempt, 'at', now(), 'worker', 'migration 0005',
        'error', format('discarded by migration 0005: out of range (state %s, attempt %s, max_attempts %s, run_at %s, '
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
    ADD CONSTRAINT ingest_queue_max_attempts_range CHECK (max_attempts BETWEEN 1 AND 100),
    ADD CONSTRAINT ingest_queue_attempt_range CHECK (attempt BETWEEN 0 AND max_attempts),
    ADD CONSTRAINT ingest_queue_times_finite CHECK (
        isfinite(run_at) AND isfinite(created_at) AND isfinite(updated_at)
        AND coalesce(isfinite(locked_at), true) AND coalesce(isfinite(finished_at), true)),
    -- A running message is someone's claim: without `locked_at` it could never be taken over.
    ADD CONSTRAINT ingest_queue_running_is_locked CHECK (state <> 'running' OR locked_at IS NOT NULL);
