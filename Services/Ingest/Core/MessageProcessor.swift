import Foundation
import Logging
import ZhibiaoPostgres

/// Completes claimed messages: one message, one transaction.
///
/// The transaction locks the message row (`FOR UPDATE`) and holds it until COMMIT: the row lock is the lease. In it:
/// the document row, its articles and facts, the regions they name, the message marked `done` and the NOTIFY for the
/// reporting service — all or nothing. If the worker dies, PostgreSQL rolls the transaction back and releases the
/// lock; the message is still `running` with its attempt counted, and the next claim takes it over after the short
/// grace. A parse failure is recorded in the same transaction (the writes roll back to a savepoint) with the retry
/// time or, after the last attempt, `discarded`.
public struct MessageProcessor: Sendable {
    public let parser: any DocumentParser
    public let settings: IngestSettings
    let logger: Logger
    let metrics = IngestMetrics.shared

    public init(parser: any DocumentParser, settings: IngestSettings, logger: Logger) {
        self.parser = parser
        self.settings = settings
        self.logger = logger
    }

    /// What happened to one claimed message.
    public enum Outcome: Sendable, Equatable {
        case done(documentID: Int64, facts: Int)
        /// The bytes were already a document (the message was enqueued around the idempotency check).
        case alreadyKnown(documentID: Int64)
        case failed(willRetry: Bool)
        /// Another worker took the message over (this one stalled past the grace); nothing was done.
        case lost
    }

    /// Claims one message and completes it; nil when none is ready. Blocking.
    public func processNext(worker: String, on connection: PostgresConnection) throws -> Outcome? {
        while true {
            guard
                let claim = try IngestQueue.claim(
                    limit: 1, worker: worker, grace: settings.claimGrace, on: connection
                ).first
            else { return nil }
            metrics.claimed.increment()
            guard claim.runnable else {
                metrics.discarded.increment()
                logger.error(
                    "discarded message: its worker died during the last attempt",
                    metadata: ["message": "\(claim.id)", "attempt": "\(claim.attempt)"])
                continue
            }
            return try complete(claim, worker: worker, on: connection)
        }
    }

    func complete(_ claim: IngestQueue.Claim, worker: String, on connection: PostgresConnection) throws -> Outcome {
        let started = ContinuousClock.now
        let outcome = try connection.transaction { connection -> Outcome in
            let rows = try connection.query(
                """
                SELECT q.bytes, q.source_name, q.metadata::text, d.id
                FROM zhibiao.ingest_queue q LEFT JOIN zhibiao.documents d ON d.sha256 = q.sha256
                WHERE q.id = $1 AND q.state = 'running' AND q.locked_by = $2 AND q.attempt = $3
                FOR UPDATE OF q
                """, [claim.id, worker, claim.attempt])
            // Waits (not SKIP LOCKED) for a brief holder — `--once`'s settle check, a claim scanning the row — and
            // then re-checks the predicate: a worker that took the message over changed `locked_by`, so this is lost.
            guard let message = rows.first else { return .lost }
            if let known = try message.decode(Int64?.self, at: 3) {
                try markDone(claim.id, documentID: known, on: connection)
                return .alreadyKnown(documentID: known)
            }
            let bytes = [UInt8](try message.decode(Data.self, at: 0))
            let name = try message.decode(String.self, at: 1)
            let metadata = DocumentMetadata(json: try message.decode(String.self, at: 2))
            do {
                return try connection.transaction { connection in  // a savepoint: a failure keeps the lock and the row
                    let parseStart = ContinuousClock.now
                    let parsed = try parser.parse(bytes: bytes, name: name, metadata: metadata)
                    metrics.parseTime.record(duration: ContinuousClock.now - parseStart)
                    let documentID = try connection.query(
                        """
                        INSERT INTO zhibiao.documents (sha256, source_name, raw, text, encoding, source_url, published_on,
                                                       region_hint, received_at, parser_version)
                        SELECT q.sha256, q.source_name, q.bytes, $2, $3, $4, $5::date, $6, q.created_at, $7
                        FROM zhibiao.ingest_queue q WHERE q.id = $1
                        RETURNING id
                        """,
                        [
                            claim.id, parsed.text, parsed.encoding, metadata.sourceURL, metadata.publishedOn,
                            metadata.regionHint, parser.version,
                        ]
                    ).first!.decode(Int64.self, at: 0)
                    let facts = try DocumentStore.writeContents(of: parsed, documentID: documentID, on: connection)
                    try markDone(claim.id, documentID: documentID, on: connection)
                    try DocumentStore.announce(documentID: documentID, facts: facts, reason: "ingested", on: connection)
                    return .done(documentID: documentID, facts: facts)
                }
            } catch let error as PostgresError where error.isConnectionProblem {
                throw error  // the transaction is gone; the message waits for the grace and is taken over
            } catch {
                let description = (error as? PostgresError)?.debugDescription ?? String(describing: error)
                let delay = settings.backoff(afterAttempt: claim.attempt)
                let state = try connection.query(
                    """
                    UPDATE zhibiao.ingest_queue SET
                        errors = errors || jsonb_build_array(jsonb_build_object(
                                    'attempt', attempt, 'at', now(), 'worker', $2::text, 'error', $3::text)),
                        state = CASE WHEN attempt >= max_attempts THEN 'discarded' ELSE 'available' END,
                        run_at = CASE WHEN attempt >= max_attempts THEN run_at
                                      ELSE now() + make_interval(secs => $4::double precision) END,
                        finished_at = CASE WHEN attempt >= max_attempts THEN now() END,
                        locked_by = NULL, locked_at = NULL, updated_at = now()
                    WHERE id = $1
                    RETURNING state
                    """, [claim.id, worker, description, delay.seconds]
                ).first!.decode(String.self, at: 0)
                let discarded = state == "discarded"
                logger.log(
                    level: discarded ? .error : .warning,
                    discarded ? "discarded message after its last attempt" : "message failed; will retry",
                    metadata: [
                        "message": "\(claim.id)", "name": "\(name)", "attempt": "\(claim.attempt)",
                        "error": "\(description)", "retry_in_s": discarded ? "-" : "\(Int(delay.seconds.rounded()))",
                    ])
                return .failed(willRetry: !discarded)
            }
        }
        metrics.messageTime.record(duration: ContinuousClock.now - started)
        switch outcome {
        case .done(let documentID, let facts):
            metrics.done.increment()
            metrics.factsWritten.increment(by: facts)
            logger.info(
                "ingested document",
                metadata: [
                    "message": "\(claim.id)", "document": "\(documentID)", "facts": "\(facts)",
                    "attempt": "\(claim.attempt)", "ms": "\((ContinuousClock.now - started).milliseconds)",
                ])
        case .alreadyKnown(let documentID):
            metrics.alreadyKnown.increment()
            logger.info(
                "message was already a document", metadata: ["message": "\(claim.id)", "document": "\(documentID)"])
        case .failed(let willRetry):
            (willRetry ? metrics.failed : metrics.discarded).increment()
        case .lost:
            logger.notice("message taken over by another worker", metadata: ["message": "\(claim.id)"])
        }
        return outcome
    }

    private func markDone(_ id: Int64, documentID: Int64, on connection: PostgresConnection) throws {
        try connection.query(
            """
            UPDATE zhibiao.ingest_queue SET state = 'done', document_id = $2, finished_at = now(), updated_at = now()
            WHERE id = $1
            """, [id, documentID])
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
