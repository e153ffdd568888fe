import Foundation
import Testing
import ZhibiaoPostgres
import ZhibiaoProtocol
import ZhibiaoReporting
import ZhibiaoTestSupport

@Suite("Fresh answers and least privilege")
struct FreshnessAndPrivilegeTests {
    /// A fact for 峡窝镇's 2022 industrial output, inserted as the owner: the triggers advance the generation.
    static let insertFact = """
        WITH sentence AS (
            INSERT INTO zhibiao.sentences (document_id, ordinal, text)
            SELECT 1, max(ordinal) + 1, 'x' FROM zhibiao.sentences WHERE document_id = 1 RETURNING ordinal
        )
        INSERT INTO zhibiao.facts (document_id, article, region, region_code, year, kind, indicator, label,
            value, unit, base_value, unit_class, qualifier, growth_pct, measure, evidence_offset,
            span_start, span_end, sentence_ordinal)
        SELECT 1, 0, '峡窝镇', '410106100', 2022, 'actual', 'industrial_output', '工业产值', 39.7, '亿元',
               3970000000, 'CNY', 'exact', NULL, 'level', 0, 0, 1, ordinal FROM sentence
        """

    @Test func cachedAnswersAreReplacedAfterNotify() async throws {
        // A poll too slow to matter proves that the NOTIFY is what makes the next request read the generation.
        try await TestServer.with({ $0.freshnessPoll = .seconds(60) }) { server in
            let before = try await server.result("series", ["indicator": "industrial_output"])
            #expect(before["total"] == .int(1))
            #expect(try await server.result("series", ["indicator": "industrial_output"]) == before)  // cached
            let seen = await server.server.changesSeen

            let admin = try server.database.connect()
            try admin.transaction { connection in
                try connection.query(Self.insertFact)
                try connection.notify("zhibiao_facts", payload: "1")
            }
            try await eventually { await server.server.changesSeen > seen }
            let after = try await server.result("series", ["indicator": "industrial_output"])
            #expect(after["total"] == .int(2))
            #expect(after.rows.last?["computed_growth_pct"] == .number("7.05"))
            #expect(after["as_of"] != before["as_of"])
            #expect(after["generation"]!.intValue! > before["generation"]!.intValue!)
            // The live views see it too.
            #expect(try await server.result("facts", ["indicator": "industrial_output"])["total"] == .int(2))
        }
    }

    @Test func withoutNotifyThePollFindsTheNewGeneration() async throws {
        // What a hot standby sees: the change arrives by replay, with no NOTIFY.
        try await TestServer.with({ $0.freshnessPoll = .milliseconds(100) }) { server in
            let before = try await server.result("series", ["indicator": "industrial_output"])
            #expect(before["total"] == .int(1))
            let seen = await server.server.changesSeen
            try server.database.connect().query(Self.insertFact)
            try await eventually(.seconds(10)) {
                (try? await server.result("series", ["indicator": "industrial_output"]))?["total"] == .int(2)
            }
            #expect(await server.server.changesSeen == seen, "no NOTIFY was sent")
        }
    }

    @Test func cacheSurvivesNoticesAndPollsThatChangeNothing() async throws {
        // The listener starting, a NOTIFY from a transaction that wrote no facts, and polls: none empties the cache
        // while the generation stays (the old server emptied it when its listener started: a flaky cache-hit test).
        try await TestServer.with({ $0.freshnessPoll = .milliseconds(20) }) { server in
            let first = try await server.result("regions")
            #expect(await server.server.cacheUsage.entries == 1)
            let seen = await server.server.changesSeen
            try server.database.connect().notify("zhibiao_facts", payload: "nothing")
            try await eventually { await server.server.changesSeen > seen }
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await server.result("regions") == first)
            #expect(await server.server.cacheUsage.entries == 1)
        }
    }

    @Test func reportingRoleReadsViewsOnlyAndWritesNothing() async throws {
        let database = try IngestedSeeds.database()
        defer { database.drop() }
        // Logged in as the role itself, as the server does (no SET ROLE that a RESET ROLE could undo).
        let login = database.target(loggedInAs: "zhibiao_reporting")
        let reporting = try PostgresConnection(
            login, sessionSetup: "SET default_transaction_read_only = on; SET statement_timeout = 5000")
        #expect(
            try reporting.query("SELECT count(*) FROM reporting.facts WHERE indicator IS NOT NULL").first?
                .decode(Int.self, at: 0) == 67)
        for statement in [
            "SELECT * FROM zhibiao.facts", "SELECT * FROM zhibiao.documents", "SELECT * FROM zhibiao.regions",
            "INSERT INTO zhibiao.regions VALUES ('99', 'x', 'province', NULL)",
            "DELETE FROM zhibiao.facts", "UPDATE zhibiao.facts_generation SET generation = 0",
            "CREATE TABLE reporting.mine (x int)", "CREATE TABLE public.mine (x int)",
            "SELECT zhibiao.facts_changed('{}')",
        ] {
            #expect(throws: PostgresError.self, "\(statement)") { try reporting.query(statement) }
        }
        // Even outside a read-only transaction, the role can write nothing; it reads the generation.
        let maintenance = try PostgresConnection(login)
        #expect(throws: PostgresError.self) { try maintenance.query("DELETE FROM zhibiao.facts") }
        #expect(throws: PostgresError.self) { try maintenance.query("CREATE TABLE reporting.mine (x int)") }
        #expect(throws: PostgresError.self) {
            try maintenance.query("INSERT INTO reporting.facts (id) VALUES (1)")
        }
        #expect(try maintenance.query("SELECT generation FROM reporting.freshness").count == 1)
    }
}
