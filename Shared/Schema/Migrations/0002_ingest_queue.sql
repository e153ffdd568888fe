-- The ingest queue: reports waiting to become documents and facts. PostgreSQL is the message bus (see docs/ingest.md).
--
-- A message's identity is the SHA-256 of its bytes, computed here by PostgreSQL (a generated column), so every
-- producer — the Swift CLI, a shell script, another language — gets the same idempotency with one INSERT:
-- the unique index makes a second submission of the same bytes a no-op (`ON CONFLICT (sha256) DO NOTHING`).
CREATE TABLE zhibiao.ingest_queue (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bytes         bytea NOT NULL,
    sha256        bytea GENERATED ALWAYS AS (sha256(bytes)) STORED,
    source_name   text NOT NULL CHECK (source_name <> ''),
    -- Optional: {"source_url": text, "published_on": "YYYY-MM-DD", "region_hint": text}.
    metadata      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
    -- available: waiting (from run_at on); running: claimed, its attempt counted; done; discarded: gave up.
    state         text NOT NULL DEFAULT 'available'
                  CHECK (state IN ('available', 'running', 'done', 'discarded')),
    attempt       integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts  integer NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
    run_at        timestamptz NOT NULL DEFAULT now(),
    locked_by     text,
    locked_at     timestamptz,
    -- One object per failed attempt: {"attempt", "at", "error", "worker"}; kept when the message is discarded.
    errors        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(errors) = 'array'),
    document_id   bigint REFERENCES zhibiao.documents (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);

CREATE UNIQUE INDEX ingest_queue_sha256_key ON zhibiao.ingest_queue (sha256);

-- Claiming reads only the messages that can be claimed, in claim order; done and discarded rows (the bulk of the
-- table over time) stay out of this index.
CREATE INDEX ingest_queue_claim_idx ON zhibiao.ingest_queue (run_at, id) WHERE state IN ('available', 'running');
CREATE INDEX ingest_queue_discarded_idx ON zhibiao.ingest_queue (id) WHERE state = 'discarded';

-- Enqueue and wake-up are one transaction for every producer: a statement-level trigger sends one NOTIFY per
-- INSERT statement (a thousand-file submit wakes the daemons once). NOTIFY is only a wake-up; daemons poll too.
CREATE FUNCTION zhibiao.ingest_queue_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('zhibiao_ingest', '');
    RETURN NULL;
END $$;

CREATE TRIGGER ingest_queue_notify AFTER INSERT ON zhibiao.ingest_queue
    FOR EACH STATEMENT EXECUTE FUNCTION zhibiao.ingest_queue_notify();

GRANT SELECT, INSERT, UPDATE, DELETE ON zhibiao.ingest_queue TO zhibiao_ingest;
GRANT EXECUTE ON FUNCTION zhibiao.ingest_queue_notify() TO zhibiao_ingest;
-- 0001 granted table privileges but not sequence use: identity columns need it for INSERT as zhibiao_ingest.
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA zhibiao TO zhibiao_ingest;
