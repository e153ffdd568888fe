import Foundation
import ZhibiaoPostgres

/// The queue table's operations (`zhibiao.ingest_queue`), each a statement or a short transaction on a connection the
/// caller owns. All blocking: call from `PostgresConnection.run`.
public enum IngestQueue {
    /// The channel the queue's INSERT trigger and `retry` notify; daemons LISTEN on it.
    public static let channel = "zhibiao_ingest"

    /// One report to enqueue.
    public struct Submission: Sendable {
        public var bytes: [UInt8]
        public var sourceName: String
        public var metadata: DocumentMetadata

        public init(bytes: [UInt8], sourceName: String, metadata: DocumentMetadata = DocumentMetadata()) {
            self.bytes = bytes
            self.sourceName = sourceName
            self.metadata = metadata
        }
    }

    /// What became of a submission: a new message, or bytes the database already has (as a document or a message).
    public enum EnqueueOutcome: Sendable, Equatable {
        case queued(id: Int64)
        case alreadyKnown
    }

    /// The statement `docs/ingest.md` documents for other languages (the INSERT trigger sends the NOTIFY).
    public static let enqueueSQL = """
        INSERT INTO zhibiao.ingest_queue (bytes, source_name, metadata, max_attempts)
        SELECT $1::bytea, $2::text, $3::jsonb, $4::integer
        WHERE NOT EXISTS (SELECT 1 FROM zhibiao.documents d WHERE d.sha256 = sha256($1::bytea))
        ON CONFLICT (sha256) DO NOTHING
        RETURNING id
        """

    /// Enqueues `submissions` in one transaction (all or none), which also delivers the wake-up NOTIFY at commit.
    /// Throws `InvalidMetadata` (naming the report and the field), enqueueing nothing, when a submission's metadata
    /// breaks the rules the workers check again at claim.
    public static func enqueue(
        _ submissions: [Submission], maxAttempts: Int, on connection: PostgresConnection
    ) throws -> [EnqueueOutcome] {
        for submission in submissions {
            do {
                try submission.metadata.validate()
            } catch var error as InvalidMetadata {
                error.source = submission.sourceName
                throw error
            }
        }
        return try connection.transaction { connection in
            try submissions.map { submission in
                let rows = try connection.query(
                    enqueueSQL,
                    [
                        Data(submission.bytes), submission.sourceName, submission.metadata.json, maxAttempts,
                    ])
                guard let row = rows.first else { return .alreadyKnown }
                return .queued(id: try row.decode(Int64.self, at: 0))
            }
        }
    }

    // MARK: Claiming

    /// A message whose attempt was counted and committed; the worker now completes it under its row lock.
    public struct Claim: Sendable {
        public let id: Int64
        public let attempt: Int
        /// False when the claim found a message with no attempt left (its worker died during the last one): the
        /// claim discarded it (with that in its error history) instead of running it again.
        public let runnable: Bool
    }

    /// The claim, the statement STYLE.md describes: the CTE is the optimization fence that makes `LIMIT` and
    /// `SKIP LOCKED` apply before the UPDATE. It takes `available` messages whose time has come, or `running` ones
    /// that nobody holds locked for longer than the grace (their worker died), counts the attempt and commits.
    ///
    /// Messages never attempted are claimed together, up to `$1`, to be completed in one transaction. A message being
    /// retried or taken over is claimed alone: a report that kills its worker then costs no other message an attempt,
    /// and ends `discarded` by itself.
    ///
    /// No row can make this statement fail (and so stop every worker, the row being first in line): the table's
    /// constraints (migration 0007) keep `attempt ≤ max_attempts ≤ 100` and every timestamp finite, and an attempt is
    /// counted only below `max_attempts`. A message with none left — its worker died in its last one, or a producer
    /// wrote it so — is discarded with that in its history.
    static let claimSQL = """
        WITH candidate AS (
            SELECT id, run_at, attempt, state = 'running' AS orphaned, attempt >= max_attempts AS exhausted
            FROM zhibiao.ingest_queue
            WHERE state IN ('available', 'running')
              AND ((state = 'available' AND run_at <= now())
                   OR (state = 'running' AND locked_at < now() - make_interval(secs => $3::double precision)))
            ORDER BY run_at, id
            LIMIT $1
            FOR UPDATE SKIP LOCKED
        ), first AS (
            SELECT id, attempt FROM candidate ORDER BY run_at, id LIMIT 1
        ), next AS (
            SELECT c.* FROM candidate c, first
            WHERE c.id = first.id OR (first.attempt = 0 AND c.attempt = 0)
        )
        UPDATE zhibiao.ingest_queue q SET
            state = CASE WHEN next.exhausted THEN 'discarded' ELSE 'running' END,
            attempt = CASE WHEN next.exhausted THEN q.attempt ELSE q.attempt + 1 END,
            errors = CASE WHEN next.orphaned THEN q.errors || jsonb_build_array(jsonb_build_object(
                        'attempt', q.attempt, 'at', now(), 'worker', q.locked_by,
                        'error', 'the worker stopped during this attempt (killed, crashed or disconnected)'))
                     WHEN next.exhausted THEN q.errors || jsonb_build_array(jsonb_build_object(
                        'attempt', q.attempt, 'at', now(), 'worker', $2::text,
                        'error', format('no attempt left (attempt %s of max_attempts %s)', q.attempt, q.max_attempts)))
                     ELSE q.errors END,
            locked_by = CASE WHEN next.exhausted THEN NULL ELSE $2::text END,
            locked_at = CASE WHEN next.exhausted THEN NULL ELSE now() END,
            finished_at = CASE WHEN next.exhausted THEN now() END,
            updated_at = now()
        FROM next
        WHERE q.id = next.id
        RETURNING q.id, q.attempt, q.state
        """

    /// Claims up to `limit` messages for `worker` (autocommit: the attempt is counted even if the worker dies next).
    static func claim(limit: Int, worker: String, grace: Duration, on connection: PostgresConnection) throws -> [Claim]
    {
        try connection.query(prepared: claimSQL, [limit, worker, grace.seconds]).map { row in
            Claim(
                id: try row.decode(Int64.self, at: 0), attempt: try row.decode(Int.self, at: 1),
                runnable: try row.decode(String.self, at: 2) == "running")
        }
    }

    // MARK: Retry

    /// Makes discarded messages (and waiting ones, sooner) available now with fresh attempts; their error history
    /// stays. `ids == nil` means every discarded message. Returns the ids made available.
    public static func retry(ids: [Int64]?, on connection: PostgresConnection) throws -> [Int64] {
        try connection.transaction { connection in
            let retried = try connection.query(
                """
                UPDATE zhibiao.ingest_queue SET state = 'available', attempt = 0, run_at = now(), locked_by = NULL,
                       locked_at = NULL, finished_at = NULL, updated_at = now()
                WHERE CASE WHEN $1::bigint[] IS NULL THEN state = 'discarded'
                           ELSE id = ANY($1::bigint[]) AND state IN ('discarded', 'available') END
                RETURNING id
                """, [ids.map { PostgresArray($0.map(String.init)) }]
            ).map { try $0.decode(Int64.self, at: 0) }
            if !retried.isEmpty { try connection.query("SELECT zhibiao.wake_ingest()") }
            return retried.sorted()
        }
    }
}

extension IngestQueue {
    /// True when some message is `running` but no transaction holds its row: its worker died (and the claim grace
    /// has not yet passed) or is between its claim and its lock. `--once` waits for these before it exits.
    static func hasUnlockedRunning(on connection: PostgresConnection) throws -> Bool {
        try connection.transaction { connection in
            !(try connection.query(
                """
                SELECT id FROM zhibiao.ingest_queue WHERE state = 'running' LIMIT 1 FOR UPDATE SKIP LOCKED
                """
            ).isEmpty)
        }
    }
}
