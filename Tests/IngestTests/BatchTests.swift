import Foundation
import Logging
import Testing
import ZhibiaoIngest
import ZhibiaoPostgres
import ZhibiaoTestSupport

/// Batches: fresh messages completed together, each still all or nothing, retries alone.
@Suite("ingest batches")
struct BatchTests {
    /// The real parser, except that a report named `bad…` yields a fact the database refuses (a year outside the
    /// `facts.year` CHECK): a failure only the batch's write can reveal.
    struct RefusedWriteParser: DocumentParser {
        let real: ExtractionParser
        var version: String { real.version }
        var indicators: [IndicatorDefinition] { real.indicators }

        func parse(bytes: [UInt8], name: String, metadata: DocumentMetadata) throws -> ParsedDocument {
            var parsed = try real.parse(bytes: bytes, name: name, metadata: metadata)
            if name.hasPrefix("bad") { parsed.facts[0].year = 1800 }
            return parsed
        }
    }

    @Test func aRefusedWriteFailsOnlyItsMessageAndRetriesAreClaimedAlone() throws {
        let database = try TestDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        let enqueue = { (names: [String], first: Int) in
            _ = try IngestQueue.enqueue(
                names.enumerated().map { offset, name in
                    IngestQueue.Submission(bytes: Array(VariedDocuments.text(first + offset).utf8), sourceName: name)
                }, maxAttempts: 5, on: connection)
        }
        try enqueue(["good0.txt", "bad1.txt", "good2.txt"], 0)
        var settings = IngestSettings()
        settings.batchSize = 16
        let processor = MessageProcessor(
            parser: RefusedWriteParser(real: try ExtractionParser()), settings: settings,
            logger: Logger(label: "test"))

        // One claim takes the three fresh messages; the batch's COPY fails, and one by one only bad1 fails.
        let outcomes = try processor.processNext(worker: "w", on: connection)
        #expect(outcomes.count == 3)
        #expect(outcomes.filter { if case .done = $0 { true } else { false } }.count == 2)
        #expect(outcomes.contains(.failed(willRetry: true)))
        let bad = try connection.query(
            "SELECT state, attempt, errors->0->>'error' FROM zhibiao.ingest_queue WHERE source_name = 'bad1.txt'"
        ).first!
        #expect(try bad.decode(String.self, at: 0) == "available")
        #expect(try bad.decode(Int.self, at: 1) == 1)
        #expect(try bad.decode(String.self, at: 2).contains("facts_year_check"))
        #expect(try connection.query("SELECT count(*) FROM zhibiao.documents").first!.decode(Int.self, at: 0) == 2)

        // Its retry, due now, comes first and alone; the fresh messages after it come together.
        try connection.query(
            "UPDATE zhibiao.ingest_queue SET run_at = now() - interval '1 hour' WHERE state = 'available'")
        try enqueue(["good3.txt", "good4.txt"], 3)
        #expect(try processor.processNext(worker: "w", on: connection) == [.failed(willRetry: true)])
        let fresh = try processor.processNext(worker: "w", on: connection)
        #expect(fresh.count == 2 && !fresh.contains(.failed(willRetry: true)))
        #expect(try danglingFactReferences(on: connection) == 0)
    }
}

/// Facts whose article, region or sentence does not exist, and sentences without their document: none may, though
/// these rows are not checked one by one (migrations 0004 and 0009).
func danglingFactReferences(on connection: PostgresConnection) throws -> Int {
    try connection.query(
        """
        SELECT count(*) FROM zhibiao.facts f
        WHERE NOT EXISTS (SELECT 1 FROM zhibiao.articles a WHERE a.document_id = f.document_id AND a.ordinal = f.article)
           OR (f.region_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM zhibiao.regions r WHERE r.code = f.region_code))
           OR NOT EXISTS (SELECT 1 FROM zhibiao.sentences s
                          WHERE s.document_id = f.document_id AND s.ordinal = f.sentence_ordinal)
        """
    ).first!.decode(Int.self, at: 0)
        + connection.query(
            """
            SELECT count(*) FROM zhibiao.sentences s
            WHERE NOT EXISTS (SELECT 1 FROM zhibiao.documents d WHERE d.id = s.document_id)
            """
        ).first!.decode(Int.self, at: 0)
}
