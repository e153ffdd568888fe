import Foundation
import Logging
import Testing
import ZhibiaoIngest
import ZhibiaoPostgres
import ZhibiaoTestSupport

/// Reports that can never succeed are discarded at their first attempt; a failure that may pass is retried.
@Suite("permanent and transient failures")
struct PermanentFailureTests {
    @Test func undecodableEmptyAndOversizedReportsAreDiscardedAtOnceWithTheirError() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        // As another producer would enqueue them, with SQL (`submit` refuses such files before they get here).
        let big = String(repeating: "峡窝镇2023年新增就业100人。", count: 100)
        try fixture.connection.query(
            """
            INSERT INTO zhibiao.ingest_queue (bytes, source_name) VALUES
                ('\\x89504e470d0a1a0a0000000d49484452'::bytea, 'logo.png'),
                ('\\x80ff00c328a0a1'::bytea, 'data.bin'),
                (convert_to(E' \\n\\t \\n', 'UTF8'), 'blank.txt'),
                (convert_to($1, 'UTF8'), 'big.txt'),
                (convert_to($2, 'UTF8'), 'good.txt')
            """, [big, VariedDocuments.text(0)])
        let served = try fixture.run(["serve", "--once", "--max-bytes", "2000"])
        #expect(served.exitCode == 0, "\(served.stderr)")

        let rows = try fixture.connection.query(
            """
            SELECT source_name, state, attempt, jsonb_array_length(errors), coalesce(errors->0->>'error', '')
            FROM zhibiao.ingest_queue ORDER BY source_name
            """
        ).map { row in
            (
                name: try row.decode(String.self, at: 0),
                outcome: "\(try row.decode(String.self, at: 1)) "
                    + "attempt=\(try row.decode(Int.self, at: 2)) errors=\(try row.decode(Int.self, at: 3))",
                error: try row.decode(String.self, at: 4)
            )
        }
        #expect(rows.map(\.name) == ["big.txt", "blank.txt", "data.bin", "good.txt", "logo.png"])
        #expect(
            rows.map(\.outcome) == [
                "discarded attempt=1 errors=1", "discarded attempt=1 errors=1", "discarded attempt=1 errors=1",
                "done attempt=1 errors=0", "discarded attempt=1 errors=1",
            ])
        #expect(rows[0].error == "too large (\(big.utf8.count) bytes; the limit is 2000)")
        #expect(rows[1].error == "no text (only white space)")
        #expect(rows[2].error == "not text: not valid UTF-8, UTF-16 (with BOM) or GB18030 text")
        #expect(rows[4].error == "not text: a PNG image")
        #expect(served.stderr.components(separatedBy: "discarded message: it cannot succeed").count - 1 == 4)
    }

    /// Any other failure inside a parser may be transient: it keeps the backoff and the message stays available.
    @Test func aFailureThatMayPassIsRetriedAfterTheBackoff() throws {
        struct FaultyParser: DocumentParser {
            struct Fault: Error {}
            var version: String { "faulty" }
            var indicators: [IndicatorDefinition] { [] }
            func parse(bytes: [UInt8], name: String, metadata: DocumentMetadata) throws -> ParsedDocument {
                throw Fault()
            }
        }
        let database = try TestDatabase.create()
        defer { database.drop() }
        let connection = try database.connect()
        _ = try IngestQueue.enqueue(
            [IngestQueue.Submission(bytes: Array(VariedDocuments.text(0).utf8), sourceName: "report.txt")],
            maxAttempts: 5, on: connection)
        var settings = IngestSettings()
        settings.backoffBase = .seconds(60)
        let processor = MessageProcessor(parser: FaultyParser(), settings: settings, logger: Logger(label: "test"))
        #expect(try processor.processNext(worker: "w", on: connection) == [.failed(willRetry: true)])
        let row = try connection.query(
            "SELECT state, attempt, run_at > now() + interval '50 seconds' FROM zhibiao.ingest_queue"
        ).first!
        #expect(try row.decode(String.self, at: 0) == "available")
        #expect(try row.decode(Int.self, at: 1) == 1)
        #expect(try row.decode(Bool.self, at: 2))
    }

    @Test func submitSkipsFilesThatAreNotTextSayingWhatAndWhy() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let folder = try VariedDocuments.write(count: 2)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13])
            .write(to: URL(fileURLWithPath: folder + "/logo.png"))
        try Data("%PDF-1.7\n%âãÏÓ\n1 0 obj".utf8).write(to: URL(fileURLWithPath: folder + "/report.pdf"))
        try Data([0x80, 0xFF, 0x00, 0xC3, 0x28]).write(to: URL(fileURLWithPath: folder + "/data.bin"))
        let submitted = try fixture.run(["submit", folder])
        #expect(submitted.exitCode == 1, "\(submitted.stdout)\(submitted.stderr)")
        #expect(submitted.stdout.contains("logo.png: not text: a PNG image"), "\(submitted.stdout)")
        #expect(submitted.stdout.contains("report.pdf: not text: a PDF document"))
        #expect(submitted.stdout.contains("data.bin: not text: not valid UTF-8, UTF-16 (with BOM) or GB18030 text"))
        #expect(submitted.stdout.contains("queued 2, already known 0, rejected 3"))
        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.ingest_queue", Int.self) == 2)
    }
}
