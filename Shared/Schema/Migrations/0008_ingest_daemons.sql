-- The running ingest daemons, so that `zhibiao-ingest status` can say who works the queue (issue 14).
--
-- Each daemon upserts its row with its counters at start, every two seconds (its heartbeat) and after each batch it
-- completes, and deletes it when it stops cleanly. `backend_pid` is the PostgreSQL session it last beat on:
-- `status` counts a daemon as running while that session exists in pg_stat_activity, so a daemon killed with
-- SIGKILL stops counting at once (PostgreSQL ends a session whose socket closed) instead of when its heartbeat has
-- aged. A starting daemon deletes the rows of daemons whose session is gone.
CREATE TABLE zhibiao.ingest_daemons (
    -- host:pid, which its workers' `locked_by` values start with.
    name         text PRIMARY KEY,
    host         text NOT NULL,
    pid          integer NOT NULL,
    workers      integer NOT NULL CHECK (workers > 0),
    started_at   timestamptz NOT NULL DEFAULT now(),
    last_seen    timestamptz NOT NULL DEFAULT now(),
    backend_pid  integer NOT NULL,
    -- The daemon's own counters since it started, by metric name: {"zhibiao_ingest_messages_done_total": 12, …}.
    counters     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(counters) = 'object')
);

GRANT SELECT, INSERT, UPDATE, DELETE ON zhibiao.ingest_daemons TO zhibiao_ingest;
