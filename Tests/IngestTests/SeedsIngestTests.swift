import Foundation
import Testing
import ZhibiaoIngest
import ZhibiaoModels
import ZhibiaoPostgres
import ZhibiaoTestSupport

@Suite("submit and serve the seeds")
struct SeedsIngestTests {
    /// One fact as comparable text, from the parser or from the database (NUMERIC compared as exact decimals).
    struct Row: Hashable {
        let doc, article, region, year, kind, indicator, label, value, unit, baseValue, unitClass, qualifier, growth,
            evidence, spanStart, spanEnd, sentence: String
    }

    static func decimalText(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "∅" }

    @Test func seedsBecomeTheParsersFactsAndResubmittingChangesNothing() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let submitted = try fixture.run(["submit", Repository.path("seeds")])
        #expect(submitted.exitCode == 0, "\(submitted.stderr)")
        #expect(submitted.stdout.contains("queued 5, already known 0, rejected 0"))
        let served = try fixture.run(["serve", "--once", "--workers", "2"])
        #expect(served.exitCode == 0, "\(served.stderr)")

        // The parser's facts, computed here from the same files.
        let parser = ExtractionParser()
        var expected: [Row] = []
        for file in Submitter.files(in: [Repository.path("seeds")]) {
            let name = (file as NSString).lastPathComponent
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            for fact in try parser.parse(bytes: bytes, name: name, metadata: DocumentMetadata()).facts {
                expected.append(Row(
                    doc: name, article: String(fact.article), region: fact.region ?? "∅",
                    year: fact.year.map(String.init) ?? "∅", kind: fact.kind.rawValue, indicator: fact.indicator ?? "∅",
                    label: fact.label, value: Self.decimalText(fact.value), unit: fact.unit ?? "∅",
                    baseValue: Self.decimalText(fact.baseValue), unitClass: fact.unitClass?.rawValue ?? "∅",
                    qualifier: fact.qualifier.rawValue, growth: Self.decimalText(fact.growthPct),
                    evidence: fact.evidence, spanStart: String(fact.span[0]), spanEnd: String(fact.span[1]),
                    sentence: fact.sentence))
            }
        }
        #expect(expected.count > 50)

        func stored() throws -> [Row] {
            try fixture.connection.query("""
                SELECT d.source_name, f.article, f.region, f.year, f.kind, f.indicator, f.label, f.value::text, f.unit,
                       f.base_value::text, f.unit_class, f.qualifier, f.growth_pct::text, f.evidence, f.span_start,
                       f.span_end, f.sentence
                FROM zhibiao.facts f JOIN zhibiao.documents d ON d.id = f.document_id ORDER BY f.id
                """).map { row in
                func text(_ index: Int) throws -> String { try row.decode(String?.self, at: index) ?? "∅" }
                func decimal(_ index: Int) throws -> String { Self.decimalText(try row.decode(Decimal?.self, at: index)) }
                return Row(doc: try text(0), article: try text(1), region: try text(2), year: try text(3),
                           kind: try text(4), indicator: try text(5), label: try text(6), value: try decimal(7),
                           unit: try text(8), baseValue: try decimal(9), unitClass: try text(10),
                           qualifier: try text(11), growth: try decimal(12), evidence: try text(13),
                           spanStart: try text(14), spanEnd: try text(15), sentence: try text(16))
            }
        }
        let first = try stored()
        #expect(first.count == expected.count)
        #expect(Set(first) == Set(expected))
        // Raw bytes and decoded text are kept: spans index the stored text.
        let evidenceMatches: Bool = try fixture.scalar("""
            SELECT bool_and(substr(d.text, f.span_start + 1, f.span_end - f.span_start) = f.evidence)
            FROM zhibiao.facts f JOIN zhibiao.documents d ON d.id = f.document_id
            """)
        #expect(evidenceMatches)

        // Again: nothing new is queued, and another drain writes nothing.
        let again = try fixture.run(["submit", Repository.path("seeds")])
        #expect(again.stdout.contains("queued 0, already known 5, rejected 0"))
        _ = try fixture.run(["serve", "--once"])
        #expect(try stored() == first)
        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.documents", Int.self) == 5)
        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.ingest_queue", Int.self) == 5)

        // reparse re-derives the same facts, one transaction per document.
        let reparsed = try fixture.run(["reparse", "--all"])
        #expect(reparsed.exitCode == 0, "\(reparsed.stderr)")
        #expect(reparsed.stdout.contains("reparsed 5 documents (\(expected.count) facts)"))
        #expect(Set(try stored()) == Set(expected))
    }

    @Test func submitReportsRejectionsAndStatusShowsTheQueue() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let folder = try VariedDocuments.write(count: 3)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data().write(to: URL(fileURLWithPath: folder + "/empty.txt"))
        try Data(repeating: 65, count: 200_000).write(to: URL(fileURLWithPath: folder + "/big.txt"))
        try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
        try Data(VariedDocuments.text(0).utf8).write(to: URL(fileURLWithPath: folder + "/sub/copy.txt"))
        let outcome = try fixture.run(["submit", "--max-bytes", "100000", folder, folder + "/missing.txt"])
        #expect(outcome.exitCode == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("queued 3, already known 1, rejected 3"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("big.txt: too large"))
        #expect(outcome.stdout.contains("empty.txt: empty"))
        #expect(outcome.stdout.contains("missing.txt: unreadable"))

        let status = try fixture.run(["status", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect((object?["states"] as? [String: Int])?["available"] == 3)
        #expect(object?["oldest_waiting_since"] is String)
        let text = try fixture.run(["status"])
        #expect(text.stdout.contains("queue: available 3, running 0, done 0, discarded 0"))
    }

    @Test func settingsAndAnUnreachableDatabaseFailWithOneClearLine() throws {
        let binary = try Repository.executable("zhibiao-ingest")
        let unreachable = try Subprocess.run(binary, [
            "status", "--database-url", "postgresql://ingest:hunter2-secret@/zhibiao?host=/nonexistent-socket-dir"])
        #expect(unreachable.exitCode != 0)
        #expect(unreachable.stderr.contains("/nonexistent-socket-dir"))
        #expect(!unreachable.stderr.contains("hunter2-secret"))
        #expect(unreachable.stderr.split(separator: "\n").count == 1, "\(unreachable.stderr)")

        let workers = try Subprocess.run(binary, ["serve", "--workers", "0", "--database-url", "host=/nonexistent"])
        #expect(workers.exitCode == 64)
        #expect(workers.stderr.contains("--workers"))
        let environment = try Subprocess.run(binary, ["serve", "--database-url", "host=/nonexistent"],
                                             environment: ["ZHIBIAO_INGEST_POLL_INTERVAL": "soon"])
        #expect(environment.exitCode == 64)
        #expect(environment.stderr.contains("ZHIBIAO_INGEST_POLL_INTERVAL"))
    }
}
