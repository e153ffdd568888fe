import Foundation
import Testing
import ZhibiaoFacts
import ZhibiaoIngest
import ZhibiaoPostgres
import ZhibiaoTestSupport

/// The store keeps the engine's document model (migration 0006): one document per text, regions with their parents,
/// facts with `measure`, articles as the engine reads them; `reparse` brings older documents up to it.
@Suite("the document model in the store")
struct DocumentModelTests {
    static func seed(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: Repository.path("seeds/" + name))))
    }

    /// `text` encoded as GB18030 with CRLF line endings, by iconv(1).
    static func gb18030WithCRLF(_ text: String) throws -> [UInt8] {
        let output = NSTemporaryDirectory() + "zhibiao-gb18030-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let converted = try Subprocess.run(
            "/usr/bin/iconv", ["-f", "UTF-8", "-t", "GB18030", "-o", output],
            input: Data(text.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        guard converted.exitCode == 0 else { throw TestSupportError("iconv failed: \(converted.stderr)") }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
    }

    @Test func theSameTextInOtherBytesIsAlreadyKnownAndNotASecondDocument() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let first = try Self.seed("000_3b6c502861b3ad01.txt")
        let firstText = String(decoding: first, as: UTF8.self)
        let second = try Self.seed("001_af40570d3b12d874.txt")
        let folder = NSTemporaryDirectory() + "zhibiao-same-text-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func write(_ bytes: [UInt8], _ name: String) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        try write(first, "a-utf8.txt")
        #expect(try fixture.run(["submit", folder]).exitCode == 0)
        #expect(try fixture.run(["serve", "--once"]).exitCode == 0)
        let stored: Int64 = try fixture.scalar("SELECT id FROM zhibiao.documents")

        // One batch: the first text again in GB18030 with CRLF and as UTF-8 with a byte order mark, and another text
        // twice (LF, then CRLF).
        try write(try Self.gb18030WithCRLF(firstText), "b-gb18030.txt")
        try write([0xEF, 0xBB, 0xBF] + first, "c-bom.txt")
        try write(second, "d-second.txt")
        try write(
            Array(String(decoding: second, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8),
            "e-second-crlf.txt")
        let submitted = try fixture.run(["submit", folder])
        #expect(submitted.stdout.contains("queued 4, already known 1, rejected 0"), "\(submitted.stdout)")
        let served = try fixture.run(["serve", "--once", "--batch-size", "16"])
        #expect(served.exitCode == 0, "\(served.stderr)")
        #expect(
            served.stderr.components(separatedBy: "already known (same text as document \(stored))").count == 3,
            "\(served.stderr)")

        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.documents", Int.self) == 2)
        let messages = try fixture.connection.query(
            "SELECT source_name, state, document_id FROM zhibiao.ingest_queue ORDER BY source_name"
        ).map {
            "\(try $0.decode(String.self, at: 0)) \(try $0.decode(String.self, at: 1)) \(try $0.decode(Int64.self, at: 2))"
        }
        let other: Int64 = try fixture.scalar(
            "SELECT document_id FROM zhibiao.ingest_queue WHERE source_name = 'd-second.txt'")
        #expect(other != stored)
        #expect(
            messages == [
                "a-utf8.txt done \(stored)", "b-gb18030.txt done \(stored)", "c-bom.txt done \(stored)",
                "d-second.txt done \(other)", "e-second-crlf.txt done \(other)",
            ])
        // The texts' facts are stored once each.
        #expect(try fixture.scalar("SELECT count(DISTINCT document_id) FROM zhibiao.facts", Int.self) == 2)
    }

    /// A report's bytes are stored beside its text only when they are not the text's UTF-8 (migration 0009), and a
    /// reparse reads the document from them either way.
    @Test func bytesOtherThanTheTextsAreKeptAndReparsedFrom() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let utf8 = try Self.seed("000_3b6c502861b3ad01.txt")
        let gb18030 = try Self.gb18030WithCRLF(
            String(decoding: try Self.seed("001_af40570d3b12d874.txt"), as: UTF8.self))
        let folder = NSTemporaryDirectory() + "zhibiao-bytes-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(utf8).write(to: URL(fileURLWithPath: folder + "/a-utf8.txt"))
        try Data(gb18030).write(to: URL(fileURLWithPath: folder + "/b-gb18030.txt"))
        #expect(try fixture.run(["submit", folder]).exitCode == 0)
        #expect(try fixture.run(["serve", "--once"]).exitCode == 0)
        let stored = """
            SELECT string_agg(d.source_name || ' ' || (d.raw IS NULL) || ' '
                                  || (coalesce(d.raw, convert_to(d.text, 'UTF8')) = q.bytes),
                              ', ' ORDER BY d.source_name)
                   || ' ' || (SELECT count(*) FROM zhibiao.facts)
            FROM zhibiao.documents d JOIN zhibiao.ingest_queue q ON q.document_id = d.id
            """
        let facts: Int = try fixture.scalar("SELECT count(*) FROM zhibiao.facts")
        #expect(facts > 20)
        #expect(try fixture.scalar(stored, String.self) == "a-utf8.txt true true, b-gb18030.txt false true \(facts)")
        let reparsed = try fixture.run(["reparse", "--all"])
        #expect(reparsed.stdout.contains("reparsed 2 documents (\(facts) facts), failed 0"), "\(reparsed.stdout)")
        #expect(try fixture.scalar(stored, String.self) == "a-utf8.txt true true, b-gb18030.txt false true \(facts)")
    }

    @Test func reparseBringsAVersion1DocumentUpToTheModel() throws {
        // The schema parser version 1 wrote into, with a document stored as it stored them: regions without parents
        // (the text's names, levels guessed from the codes), articles without titles, facts without measure — and the
        // same text stored a second time from GB18030 bytes.
        let database = try TestDatabase.create(through: 4)
        defer { database.drop() }
        let connection = try database.connect()
        let name = "004_cb355fd960d97158.txt"
        let bytes = try Self.seed(name)
        let parser = try ExtractionParser()
        let parsed = try parser.parse(bytes: bytes, name: name, metadata: DocumentMetadata())
        let original = try Version1.store(bytes, name: name, parsed: parsed, on: connection)
        let copyBytes = try Self.gb18030WithCRLF(parsed.text)
        _ = try Version1.store(
            copyBytes, name: "copy-" + name,
            parsed: try parser.parse(bytes: copyBytes, name: name, metadata: DocumentMetadata()), on: connection)

        // The migration merges the copy into the original: its message now points there and keeps its bytes.
        try database.migrate()
        #expect(
            try connection.query("SELECT id FROM zhibiao.documents").map { try $0.decode(Int64.self, at: 0) }
                == [original])
        let message = try connection.query(
            "SELECT document_id, octet_length(bytes) FROM zhibiao.ingest_queue WHERE source_name = $1",
            ["copy-" + name]
        ).first!
        #expect(try message.decode(Int64.self, at: 0) == original)
        #expect(try message.decode(Int.self, at: 1) == copyBytes.count)
        #expect(
            try connection.query("SELECT count(*) FROM zhibiao.facts WHERE measure IS NOT NULL").first!
                .decode(Int.self, at: 0) == 0)

        // As the ingest login: what it may update in `regions` (name, level, parent) is what the reparse corrects.
        let binary = try Repository.executable("zhibiao-ingest")
        let reparsed = try Subprocess.run(
            binary, ["reparse", "--database-url", database.target(loggedInAs: "zhibiao_ingest").description])
        #expect(reparsed.exitCode == 0, "\(reparsed.stderr)")
        #expect(reparsed.stdout.contains("reparsed 1 documents (\(parsed.facts.count) facts), failed 0"))
        #expect(
            try connection.query("SELECT parser_version FROM zhibiao.documents").first!.decode(String.self, at: 0)
                == parser.version)

        // Regions: the gazetteer's entries, each with its parent, the whole chain up to the province.
        let regions = try connection.query("SELECT code, name, level, parent_code FROM zhibiao.regions ORDER BY code")
            .map {
                "\(try $0.decode(String.self, at: 0)) \(try $0.decode(String.self, at: 1)) "
                    + "\(try $0.decode(String.self, at: 2)) \(try $0.decode(String?.self, at: 3) ?? "-")"
            }
        #expect(
            regions
                == parsed.regions.sorted { $0.code < $1.code }
                .map { "\($0.code) \($0.name) \($0.level.rawValue) \($0.parentCode ?? "-")" })
        #expect(regions.contains("410183110 来集镇 township 410183"))
        #expect(regions.contains("410183 新密市 county 4101"))

        // Facts with their measure: 来集镇's 5 new and 25 high-tech enterprises in total.
        let laiji = try connection.query(
            """
            SELECT base_value::text, measure FROM zhibiao.facts
            WHERE region_code = '410183110' AND indicator = 'high_tech_enterprises' ORDER BY span_start
            """
        ).map { "\(try $0.decode(String.self, at: 0)) \(try $0.decode(String.self, at: 1))" }
        #expect(laiji == ["5 added", "25 level"])
        // Articles as the engine reads them.
        let titles = try connection.query("SELECT title FROM zhibiao.articles ORDER BY ordinal")
            .map { try $0.decode(String?.self, at: 0) }
        #expect(titles == parsed.articles.map(\.title))
        #expect(titles.compactMap { $0 }.count > 5)

        // And the reporting views no longer mix the stock with what was added.
        let series = try connection.query(
            """
            SELECT measure, base_value::text, conflict FROM reporting.series
            WHERE region_code = '410183110' AND indicator = 'high_tech_enterprises' ORDER BY measure
            """
        ).map {
            "\(try $0.decode(String.self, at: 0)) \(try $0.decode(String.self, at: 1)) \(try $0.decode(Bool.self, at: 2))"
        }
        #expect(series == ["added 5 false", "level 25 false"])
    }
}

/// Rows as parser version 1 wrote them (`zhibiao-extraction-1`, before migration 0006).
enum Version1 {
    /// Stores `bytes` as a document and a done message, with version 1's derived rows; returns the document id.
    static func store(
        _ bytes: [UInt8], name: String, parsed: ParsedDocument, on connection: PostgresConnection
    ) throws -> Int64 {
        try connection.transaction { connection in
            let id = try connection.query(
                """
                INSERT INTO zhibiao.documents (sha256, source_name, raw, text, encoding, parser_version)
                VALUES (sha256($1), $2, $1, $3, $4, 'zhibiao-extraction-1') RETURNING id
                """, [Data(bytes), name, parsed.text, parsed.encoding]
            ).first!.decode(Int64.self, at: 0)
            try connection.query(
                """
                INSERT INTO zhibiao.ingest_queue (bytes, source_name, state, document_id, finished_at)
                VALUES ($1, $2, 'done', $3, now())
                """, [Data(bytes), name, id])
            // The facts' codes only, named as the text named them, the level read from the code's length.
            for fact in parsed.facts {
                guard let code = fact.regionCode else { continue }
                let level =
                    code.count <= 2 ? "province" : code.count <= 4 ? "city" : code.count <= 6 ? "county" : "township"
                try connection.query(
                    "INSERT INTO zhibiao.regions VALUES ($1, $2, $3, NULL) ON CONFLICT DO NOTHING",
                    [code, fact.region ?? code, level])
            }
            // One untitled article per ordinal the facts use, from its first fact to its last.
            for ordinal in Set(parsed.facts.map(\.article)).sorted() {
                let spans = parsed.facts.filter { $0.article == ordinal }.map(\.span)
                try connection.query(
                    "INSERT INTO zhibiao.articles (document_id, ordinal, span_start, span_end) VALUES ($1, $2, $3, $4)",
                    [id, ordinal, spans.map { $0[0] }.min()!, spans.map { $0[1] }.max()!])
            }
            for fact in parsed.facts {
                try connection.query(
                    """
                    INSERT INTO zhibiao.facts (document_id, article, region, region_code, year, kind, indicator, label,
                        value, unit, base_value, unit_class, qualifier, growth_pct, evidence, span_start, span_end,
                        sentence)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
                    """,
                    [
                        id, fact.article, fact.region, fact.regionCode, fact.year, fact.kind.rawValue, fact.indicator,
                        fact.label, fact.value, fact.unit, fact.baseValue, fact.unitClass?.rawValue,
                        fact.qualifier.rawValue, fact.growthPct, fact.evidence, fact.span[0], fact.span[1],
                        fact.sentence,
                    ])
            }
            return id
        }
    }
}
