import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoReporting
import ZhibiaoSchema
import ZhibiaoTestSupport

/// The reply lines of the main methods over the seeds, byte for byte, against `Golden/seed-answers.txt`: how facts,
/// their sentences and evidence, documents and the consolidated values are stored may change; what a client reads may
/// not. The golden file was recorded before the facts stopped carrying their prose (issue 17).
///
/// `ZHIBIAO_RECORD_GOLDEN=1` writes the file from the running code instead of comparing (then review its diff).
@Suite("Reporting answers on the seeds, byte for byte")
struct SeedAnswersGoldenTests {
    static let golden = Repository.path("Tests/ReportingTests/Golden/seed-answers.txt")

    @Test func answersOnTheIngestedSeedsAreTheRecordedOnes() async throws {
        try await TestServer.with { server in try await Self.check(server) }
    }

    /// A database written by the code of migration 0008 — facts with their sentence and evidence as text — answers
    /// the same once migrated to the current schema: the migrations convert the stored rows.
    @Test func answersOnSeedsStoredByEarlierCodeAreTheRecordedOnes() async throws {
        let seeded = try IngestedSeeds.database()
        defer { seeded.drop() }
        let database = try TestDatabase.create(through: 8)
        defer { database.drop() }
        let source = try seeded.connect()
        let target = try database.connect()
        // Each table's rows as JSON, into the columns the table had then: facts with the prose `reporting.facts`
        // serves, documents with their bytes.
        let documents = """
            (SELECT id, sha256, source_name, coalesce(raw, convert_to(text, 'UTF8')) AS raw, text, encoding,
                    source_url, published_on, region_hint, received_at, parsed_at, parser_version
             FROM zhibiao.documents)
            """
        for (table, rows) in [
            ("indicators", "zhibiao.indicators"), ("documents", documents),
            ("regions", "zhibiao.regions"), ("articles", "zhibiao.articles"),
            ("facts", "reporting.facts"),
        ] {
            let json = try source.query("SELECT coalesce(json_agg(t), '[]')::text FROM \(rows) t").first!
                .decode(String.self, at: 0)
            let columns = try target.query(
                """
                SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)
                FROM information_schema.columns
                WHERE table_schema = 'zhibiao' AND table_name = $1 AND is_generated = 'NEVER'
                """, [table]
            ).first!.decode(String.self, at: 0)
            try target.query(
                """
                INSERT INTO zhibiao.\(table) (\(columns)) OVERRIDING SYSTEM VALUE
                SELECT \(columns) FROM json_populate_recordset(NULL::zhibiao.\(table), $1::json)
                """, [json])
        }
        #expect(
            try target.query("SELECT count(*) FROM zhibiao.facts WHERE sentence <> ''").first!
                .decode(Int.self, at: 0) > 200)
        try Migrator().migrate(target)  // 0010 consolidates the facts already stored
        let server = try await TestServer.start(database)
        do {
            try await Self.check(server)
            try await server.stop()
        } catch {
            try? await server.stop()
            throw error
        }
    }

    /// Requests, then their replies with the clock fields blanked, as `> request` / `< reply` lines.
    static func check(_ server: TestServer) async throws {
        let transcript = try await answers(server)
        if ProcessInfo.processInfo.environment["ZHIBIAO_RECORD_GOLDEN"] == "1" {
            try transcript.write(toFile: golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: golden, encoding: .utf8)
        let got = transcript.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(got.count == want.count, "\(got.count) lines, \(want.count) recorded")
        // The first differing line, rather than two files' worth of text.
        if let line = zip(got, want).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("line \(line + 1) differs:\n  got  \(got[line])\n  want \(want[line])")
        }
    }

    static func answers(_ server: TestServer) async throws -> String {
        var requests: [String] = [
            #"{"method":"regions"}"#, #"{"method":"regions","params":{"unindexed":true}}"#,
            #"{"method":"indicators"}"#,
            #"{"method":"facts","params":{"unindexed":true}}"#, #"{"method":"facts"}"#,
            #"{"method":"facts","params":{"q":"增长","unindexed":true}}"#,
            #"{"method":"facts","params":{"q":"亿元，同比"}}"#,
            #"{"method":"targets"}"#, #"{"method":"summary"}"#, #"{"method":"summary","params":{"unindexed":true}}"#,
            #"{"method":"documents"}"#, #"{"method":"documents","params":{"unindexed":true}}"#,
        ]
        let facts = try await server.result("facts", ["unindexed": true])
        let documents = try await server.result("documents")
        let indicators = try await server.result("indicators")
        #expect(facts.rows.count == facts["total"]?.intValue && facts.rows.count > 200)
        for document in documents.rows.compactMap({ $0["id"]?.intValue }) {
            requests.append(#"{"method":"document","params":{"id":\#(document),"text":true,"unindexed":true}}"#)
            requests.append(#"{"method":"document","params":{"id":\#(document)}}"#)
        }
        for indicator in indicators.rows where indicator["facts"] != .int(0) {
            let id = indicator["id"]!.stringValue!
            requests.append(#"{"method":"series","params":{"indicator":"\#(id)"}}"#)
            requests.append(#"{"method":"compare","params":{"indicator":"\#(id)","year":2023}}"#)
        }
        for fact in facts.rows.compactMap({ $0["id"]?.intValue }) {
            requests.append(#"{"method":"explain","params":{"fact":\#(fact)}}"#)
        }
        let lines = try await withDeadline(.seconds(120)) { [socket = server.socket, requests] in
            try await ReportClient.withConnection(socket: socket) { connection in
                var lines: [String] = []
                for (number, request) in requests.enumerated() {
                    let line = #"{"id":\#(number + 1),"# + request.dropFirst()
                    try await connection.send(line)
                    lines.append("> " + line)
                    lines.append("< " + blankingClocks(try await connection.readLine() ?? "(closed)"))
                }
                return lines
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// When the ingest ran and how many writes the facts have seen (the generation) differ from run to run.
    static func blankingClocks(_ reply: String) -> String {
        reply.replacingOccurrences(
            of: #""(as_of|received_at|parsed_at)":"[^"]*""#, with: #""$1":"…""#, options: .regularExpression
        )
        .replacingOccurrences(of: #""generation":[0-9]+"#, with: #""generation":"…""#, options: .regularExpression)
    }
}
