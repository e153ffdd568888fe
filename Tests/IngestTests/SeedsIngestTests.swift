import Foundation
import Testing
import ZhibiaoExtraction
import ZhibiaoFacts
import ZhibiaoIngest
import ZhibiaoPostgres
import ZhibiaoTestSupport

@Suite("submit and serve the seeds")
struct SeedsIngestTests {
    /// The stored facts, each rebuilt as a `Fact` and printed as `zhibiao-ingest parse` prints it (JSONLine).
    static func storedFactLines(_ connection: PostgresConnection) throws -> [String] {
        try connection.query(
            """
            SELECT doc, region, region_code, year, kind, indicator, label, value, unit, base_value, unit_class,
                   qualifier, growth_pct, evidence, span_start, span_end, sentence, article, measure
            FROM reporting.facts ORDER BY id
            """
        ).map { row in
            JSONLine.fact(
                Fact(
                    doc: try row.decode(at: 0), region: try row.decode(at: 1), regionCode: try row.decode(at: 2),
                    year: try row.decode(at: 3), kind: FactKind(rawValue: try row.decode(at: 4))!,
                    indicator: try row.decode(at: 5), label: try row.decode(at: 6), value: try row.decode(at: 7),
                    unit: try row.decode(at: 8), baseValue: try row.decode(at: 9),
                    unitClass: (try row.decode(String?.self, at: 10)).flatMap(UnitClass.init(rawValue:)),
                    qualifier: Qualifier(rawValue: try row.decode(at: 11))!, growthPct: try row.decode(at: 12),
                    measure: (try row.decode(String?.self, at: 18)).flatMap(Measure.init(rawValue:)),
                    evidence: try row.decode(at: 13), span: [try row.decode(at: 14), try row.decode(at: 15)],
                    sentence: try row.decode(at: 16), article: try row.decode(at: 17)))
        }
    }

    @Test func seedsBecomeTheParsersFactsAndResubmittingChangesNothing() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let submitted = try fixture.run(["submit", Repository.path("seeds")])
        #expect(submitted.exitCode == 0, "\(submitted.stderr)")
        #expect(submitted.stdout.contains("queued 5, already known 0, rejected 0"))
        let served = try fixture.run(["serve", "--once", "--workers", "2"])
        #expect(served.exitCode == 0, "\(served.stderr)")

        // `zhibiao-ingest parse seeds/*.txt`: the engine's facts, one JSON line each.
        let seeds = Submitter.files(in: [Repository.path("seeds")])
        let parsed = try Subprocess.run(fixture.binary, ["parse"] + seeds)
        #expect(parsed.exitCode == 0, "\(parsed.stderr)")
        let expected = parsed.stdout.split(separator: "\n").map(String.init).sorted()
        #expect(expected.count > 50)

        let first = try Self.storedFactLines(fixture.connection)
        #expect(first.count == expected.count)
        #expect(first.sorted() == expected)
        // Raw bytes and decoded text are kept: spans index the stored text.
        let evidenceMatches: Bool = try fixture.scalar(
            """
            SELECT bool_and(substr(d.text, f.span_start + 1, f.span_end - f.span_start) = f.evidence)
            FROM reporting.facts f JOIN zhibiao.documents d ON d.id = f.document_id
            """)
        #expect(evidenceMatches)
        // The seeds are UTF-8: their bytes are their text's, stored once (`raw` NULL), and given back whole.
        let bytesKept: String = try fixture.scalar(
            """
            SELECT count(*) FILTER (WHERE d.raw IS NULL) || ' '
                   || count(*) FILTER (WHERE coalesce(d.raw, convert_to(d.text, 'UTF8')) = q.bytes)
            FROM zhibiao.documents d JOIN zhibiao.ingest_queue q ON q.document_id = d.id
            """)
        #expect(bytesKept == "5 5")
        // Every place is stored with its parents up to the province, so the region tree has no orphan.
        let orphans: Int = try fixture.scalar(
            "SELECT count(*) FROM zhibiao.regions WHERE (parent_code IS NULL) <> (level = 'province')")
        #expect(orphans == 0)
        #expect(
            try fixture.scalar("SELECT parent_code FROM zhibiao.regions WHERE name = '峡窝镇'", String.self)
                == "410106")

        // Again: nothing new is queued, and another drain writes nothing.
        let again = try fixture.run(["submit", Repository.path("seeds")])
        #expect(again.stdout.contains("queued 0, already known 5, rejected 0"))
        _ = try fixture.run(["serve", "--once"])
        #expect(try Self.storedFactLines(fixture.connection) == first)
        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.documents", Int.self) == 5)
        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.ingest_queue", Int.self) == 5)

        // reparse re-derives the same facts, one transaction per document.
        let reparsed = try fixture.run(["reparse", "--all"])
        #expect(reparsed.exitCode == 0, "\(reparsed.stderr)")
        #expect(reparsed.stdout.contains("reparsed 5 documents (\(expected.count) facts)"))
        #expect(try Self.storedFactLines(fixture.connection).sorted() == expected)
        #expect(try danglingFactReferences(on: fixture.connection) == 0)

        // Deleting a document deletes its articles and, with them, its facts.
        let victim: Int64 = try fixture.scalar("SELECT min(id) FROM zhibiao.documents")
        try fixture.connection.query("DELETE FROM zhibiao.documents WHERE id = $1", [victim])
        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.facts WHERE document_id = \(victim)", Int.self) == 0)
        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.facts", Int.self) > 0)
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
        #expect(outcome.exitCode == 1, "rejections make the exit status 1: \(outcome.stderr)")
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

        let metrics = try fixture.run(["status", "--metrics"])
        #expect(metrics.exitCode == 0, "\(metrics.stderr)")
        #expect(metrics.stdout.contains("# TYPE zhibiao_ingest_queue_messages gauge"), "\(metrics.stdout)")
        #expect(metrics.stdout.contains(#"zhibiao_ingest_queue_messages{state="available"} 3.0"#), "\(metrics.stdout)")
        #expect(metrics.stdout.contains(#"zhibiao_ingest_queue_messages{state="done"} 0.0"#))
        #expect(metrics.stdout.contains("zhibiao_ingest_daemons_running 0.0"), "\(metrics.stdout)")
    }

    @Test func settingsAndAnUnreachableDatabaseFailWithOneClearLine() throws {
        let binary = try Repository.executable("zhibiao-ingest")
        let unreachable = try Subprocess.run(
            binary,
            [
                "status", "--database-url", "postgresql://ingest:hunter2-secret@/zhibiao?host=/nonexistent-socket-dir",
            ])
        #expect(unreachable.exitCode != 0)
        #expect(unreachable.stderr.contains("/nonexistent-socket-dir"))
        #expect(!unreachable.stderr.contains("hunter2-secret"))
        #expect(unreachable.stderr.split(separator: "\n").count == 1, "\(unreachable.stderr)")

        let workers = try Subprocess.run(binary, ["serve", "--workers", "0", "--database-url", "host=/nonexistent"])
        #expect(workers.exitCode == 2)
        #expect(workers.stderr.contains("--workers"))
        let environment = try Subprocess.run(
            binary, ["serve", "--database-url", "host=/nonexistent"],
            environment: ["ZHIBIAO_INGEST_POLL_INTERVAL": "soon"])
        #expect(environment.exitCode == 2)
        #expect(environment.stderr.contains("ZHIBIAO_INGEST_POLL_INTERVAL"))
        #expect(environment.stderr.split(separator: "\n").count == 1, "\(environment.stderr)")
        let submit = try Subprocess.run(
            binary, ["submit", "--max-bytes", "lots", "--database-url", "host=/nonexistent", "x"])
        #expect(submit.exitCode == 2)
        #expect(submit.stderr.contains("--max-bytes"), "\(submit.stderr)")
    }
}
