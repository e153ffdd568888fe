import Foundation
import Logging
import ZhibiaoPostgres

/// Completes claimed messages, each all or nothing.
///
/// One transaction completes what one claim took: a message that is being retried or taken over alone, or up to
/// `batchSize` messages never attempted before (see `IngestQueue.claimSQL`). The transaction locks the message rows
/// (`FOR UPDATE`) and holds them until COMMIT: the row locks are the lease. In it: the document rows, their articles,
/// sentences and facts, the regions they name, the messages marked `done` and the NOTIFY for the reporting service, in
/// ten round trips after the claim's whatever the batch's size (BEGIN, lock, documents, regions, articles, COPY of
/// the sentences in two, COPY of the facts in two, COMMIT). The writers' lock (the generation's row, migration 0011)
/// is taken by the facts' consolidation and held only from there to COMMIT, so concurrent batches write in parallel.
///
/// - A worker that dies rolls the transaction back; its messages are still `running` with their attempt counted,
///   and the next claims take them over, one at a time, after the short grace.
/// - A report that cannot be parsed is recorded as failed in the same transaction: discarded at once when it can
///   never succeed (`PermanentFailure`), else a retry time, or `discarded` after the last attempt; the others in the
///   batch go on.
/// - A write that fails (a constraint) rolls the batch back; its messages are then completed one by one, so that
///   only the culprit records the failure.
/// - A report whose decoded text is already a document (other bytes: another encoding, CRLF, a byte order mark) is
///   not stored again: its message is done, pointing at that document (two more round trips for such messages).
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
        /// Other bytes of a text that is already a document (another encoding, other line endings, a byte order
        /// mark): the message is done, pointing at that document, and no second document is stored.
        case sameText(documentID: Int64)
        case failed(willRetry: Bool)
        /// Another worker took the message over (this one stalled past the grace); nothing was done.
        case lost
    }

    /// Claims messages and completes them; empty when none is ready. Blocking.
    public func processNext(worker: String, on connection: PostgresConnection) throws -> [Outcome] {
        while true {
            let claims = try IngestQueue.claim(
                limit: settings.batchSize, worker: worker, grace: settings.claimGrace, on: connection)
            if claims.isEmpty { return [] }
            metrics.claimed.increment(by: claims.count)
            for claim in claims where !claim.runnable {
                metrics.discarded.increment()
                logger.error(
                    "discarded message: no attempt left",
                    metadata: ["message": "\(claim.id)", "attempt": "\(claim.attempt)"])
            }
            let runnable = claims.filter(\.runnable)
            if !runnable.isEmpty { return try complete(runnable, worker: worker, on: connection) }
        }
    }

    /// Completes `claims` in one transaction, or one by one when a write fails. A lost connection propagates: the
    /// transaction is gone, and the messages are taken over after the grace.
    func complete(_ claims: [IngestQueue.Claim], worker: String, on connection: PostgresConnection) throws -> [Outcome]
    {
        do {
            return try completeTogether(claims, worker: worker, on: connection)
        } catch let error as PostgresError where !error.isConnectionProblem {
            // The transaction rolled back, releasing the locks. The messages are still `running` under this worker's
            // claims, which every later statement checks, so a worker that took one over in between is not overwritten.
            guard claims.count > 1 else {
                return [try recordFailure(of: claims[0], worker: worker, error: error, on: connection)]
            }
            logger.notice(
                "a batch's write failed; completing its messages one by one",
                metadata: ["messages": "\(claims.count)", "error": "\(error.message)"])
            return try claims.flatMap { try complete([$0], worker: worker, on: connection) }
        }
    }

    /// A locked message whose report parsed, waiting to be written.
    private struct Parsed {
        let claim: IngestQueue.Claim
        let metadata: DocumentMetadata
        let document: ParsedDocument
    }

    private func completeTogether(
        _ claims: [IngestQueue.Claim], worker: String, on connection: PostgresConnection
    ) throws -> [Outcome] {
        let started = ContinuousClock.now
        let outcomes = try connection.transaction { connection -> [Int64: Outcome] in
            // Waits (not SKIP LOCKED) for a brief holder — `--once`'s settle check, a claim scanning the rows — and
            // then re-checks the claims: a worker that took a message over changed `locked_by`, so that one is lost.
            let rows = try connection.query(
                prepared: """
                    SELECT q.id, q.bytes, q.source_name, q.metadata::text, d.id
                    FROM unnest($1::bigint[], $3::int[]) AS c(id, attempt)
                    JOIN zhibiao.ingest_queue q ON q.id = c.id AND q.attempt = c.attempt
                    LEFT JOIN zhibiao.documents d ON d.sha256 = q.sha256
                    WHERE q.state = 'running' AND q.locked_by = $2
                    ORDER BY q.id
                    FOR UPDATE OF q
                    """,
                [
                    PostgresArray(claims.map { String($0.id) }), worker,
                    PostgresArray(claims.map { String($0.attempt) }),
                ])
            let claimByID = Dictionary(uniqueKeysWithValues: claims.map { ($0.id, $0) })
            var outcomes: [Int64: Outcome] = [:]
            var parsed: [Parsed] = []
            for row in rows {
                let claim = claimByID[try row.decode(Int64.self, at: 0)]!
                if let known = try row.decode(Int64?.self, at: 4) {
                    try markDone(claim.id, documentID: known, on: connection)
                    outcomes[claim.id] = .alreadyKnown(documentID: known)
                    continue
                }
                let name = try row.decode(String.self, at: 2)
                let metadataJSON = try row.decode(String.self, at: 3)
                do {
                    let metadata = try DocumentMetadata(json: metadataJSON)
                    let bytes = [UInt8](try row.decode(Data.self, at: 1))
                    guard bytes.count <= settings.maxBytes else {
                        throw ReportTooLarge(bytes: bytes.count, limit: settings.maxBytes)
                    }
                    let parseStart = ContinuousClock.now
                    let document = try parser.parse(bytes: bytes, name: name, metadata: metadata)
                    metrics.parseTime.record(duration: ContinuousClock.now - parseStart)
                    parsed.append(Parsed(claim: claim, metadata: metadata, document: document))
                } catch {
                    // Nothing of this message is written: record its failure here, under its lock.
                    outcomes[claim.id] = try recordFailure(
                        of: claim, worker: worker, error: error, on: connection)
                }
            }
            if !parsed.isEmpty {
                let documentIDs = try store(parsed, on: connection)
                let stored = parsed.filter { documentIDs[$0.claim.id] != nil }
                let documents = stored.map { (id: documentIDs[$0.claim.id]!, parsed: $0.document) }
                if !documents.isEmpty { try DocumentStore.writeContents(of: documents, on: connection) }
                for message in stored {
                    outcomes[message.claim.id] = .done(
                        documentID: documentIDs[message.claim.id]!, facts: message.document.facts.count)
                }
                let repeated = parsed.filter { documentIDs[$0.claim.id] == nil }
                for (message, documentID) in try documentsWithTheSameText(as: repeated, on: connection) {
                    try markDone(message, documentID: documentID, on: connection)
                    outcomes[message] = .sameText(documentID: documentID)
                }
            }
            return outcomes
        }
        metrics.transactionTime.record(duration: ContinuousClock.now - started)
        metrics.batchSize.record(claims.count)
        return claims.map { claim in
            let outcome = outcomes[claim.id] ?? .lost
            record(outcome, of: claim, started: started)
            return outcome
        }
    }

    /// Counts and logs a committed outcome.
    private func record(_ outcome: Outcome, of claim: IngestQueue.Claim, started: ContinuousClock.Instant) {
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
        case .sameText(let documentID):
            metrics.alreadyKnown.increment()
            logger.info(
                "message was already known (same text as document \(documentID))",
                metadata: ["message": "\(claim.id)", "document": "\(documentID)"])
        case .failed(let willRetry):
            (willRetry ? metrics.failed : metrics.discarded).increment()
        case .lost:
            logger.notice("message taken over by another worker", metadata: ["message": "\(claim.id)"])
        }
    }

    /// Inserts the document rows, marks their messages done and announces their facts (at COMMIT): one statement
    /// for the whole batch. Returns the document id of each message stored; a message whose text is already a
    /// document (`documents.text_sha256`, stored before or earlier in the batch) is not stored and has none.
    private func store(_ batch: [Parsed], on connection: PostgresConnection) throws -> [Int64: Int64] {
        let rows = try connection.query(
            prepared: """
                WITH input AS (
                    SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                                         $7::int[]) AS i(message, text, encoding, source_url, published_on, region_hint, facts)
                ), document AS (
                    INSERT INTO zhibiao.documents (sha256, source_name, raw, text, encoding, source_url, published_on,
                                                   region_hint, received_at, parser_version, message_id)
                    SELECT q.sha256, q.source_name, nullif(q.bytes, convert_to(i.text, 'UTF8')), i.text, i.encoding,
                           i.source_url, i.published_on::date, i.region_hint, q.created_at, $8, q.id
                    FROM input i JOIN zhibiao.ingest_queue q ON q.id = i.message
                    ORDER BY i.message  -- ids in message order; of two messages with one text, the first is stored
                    ON CONFLICT (text_sha256) DO NOTHING
                    RETURNING id, sha256
                ), done AS (
                    UPDATE zhibiao.ingest_queue q
                    SET state = 'done', document_id = d.id, finished_at = now(), updated_at = now()
                    FROM document d WHERE q.sha256 = d.sha256
                    RETURNING q.id AS message, d.id AS document
                )
                SELECT done.message, done.document, zhibiao.announce_facts(done.document, i.facts, 'ingested')
                FROM done JOIN input i ON i.message = done.message
                """,
            [
                PostgresArray(batch.map { String($0.claim.id) }), PostgresArray(batch.map(\.document.text)),
                PostgresArray(batch.map(\.document.encoding)), PostgresArray(batch.map(\.metadata.sourceURL)),
                PostgresArray(batch.map(\.metadata.publishedOn)), PostgresArray(batch.map(\.metadata.regionHint)),
                PostgresArray(batch.map { String($0.document.facts.count) }), parser.version,
            ])
        return Dictionary(
            uniqueKeysWithValues: try rows.map { (try $0.decode(Int64.self, at: 0), try $0.decode(Int64.self, at: 1)) })
    }

    /// The stored document with the same text as each of `messages` (which `store` did not store), by message id.
    /// A statement of its own: a document committed by another worker while `store` waited on it is visible only
    /// to a later statement.
    private func documentsWithTheSameText(
        as messages: [Parsed], on connection: PostgresConnection
    ) throws -> [(message: Int64, document: Int64)] {
        guard !messages.isEmpty else { return [] }
        return try connection.query(
            """
            SELECT i.message, d.id
            FROM unnest($1::bigint[], $2::text[]) AS i(message, text)
            JOIN zhibiao.documents d ON d.text_sha256 = zhibiao.text_sha256(i.text)
            ORDER BY i.message
            """,
            [PostgresArray(messages.map { String($0.claim.id) }), PostgresArray(messages.map(\.document.text))]
        ).map { (try $0.decode(Int64.self, at: 0), try $0.decode(Int64.self, at: 1)) }
    }

    /// Records a failed attempt: back to `available` after the backoff, or `discarded` after the last attempt, with
    /// the error appended to the message's history. A `PermanentFailure` (bytes that are not text, a report over the
    /// size limit, invalid metadata) is discarded at once: it fails the same way at every attempt. Only while the
    /// message is still this worker's claim; `.lost` otherwise.
    private func recordFailure(
        of claim: IngestQueue.Claim, worker: String, error: any Error, on connection: PostgresConnection
    ) throws -> Outcome {
        let description = (error as? PostgresError)?.debugDescription ?? String(describing: error)
        let final = error is any PermanentFailure
        let delay = settings.backoff(afterAttempt: claim.attempt)
        guard
            let row = try connection.query(
                """
                UPDATE zhibiao.ingest_queue SET
                    errors = errors || jsonb_build_array(jsonb_build_object(
                                'attempt', attempt, 'at', now(), 'worker', $2::text, 'error', $3::text)),
                    state = CASE WHEN attempt >= max_attempts OR $6 THEN 'discarded' ELSE 'available' END,
                    run_at = CASE WHEN attempt >= max_attempts OR $6 THEN run_at
                                  ELSE now() + make_interval(secs => $4::double precision) END,
                    finished_at = CASE WHEN attempt >= max_attempts OR $6 THEN now() END,
                    locked_by = NULL, locked_at = NULL, updated_at = now()
                WHERE id = $1 AND state = 'running' AND locked_by = $2 AND attempt = $5
                RETURNING state, source_name
                """, [claim.id, worker, description, delay.seconds, claim.attempt, final]
            ).first
        else { return .lost }
        let discarded = try row.decode(String.self, at: 0) == "discarded"
        let name = try row.decode(String.self, at: 1)
        logger.log(
            level: discarded ? .error : .warning,
            discarded
                ? (final ? "discarded message: it cannot succeed" : "discarded message after its last attempt")
                : "message failed; will retry",
            metadata: [
                "message": "\(claim.id)", "name": "\(name)", "attempt": "\(claim.attempt)", "error": "\(description)",
                "retry_in_s": discarded ? "-" : "\(Int(delay.seconds.rounded()))",
            ])
        return .failed(willRetry: !discarded)
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
