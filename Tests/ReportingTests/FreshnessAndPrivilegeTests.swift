import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoPostgres
import ZhibiaoReporting
import ZhibiaoTestSupport

@Suite("Fresh answers and least privilege")
struct FreshnessAndPrivilegeTests {
    @Test func cachedAnswersAreReplacedAfterNotify() async throws {
        // A long debounce proves that a request after a NOTIFY refreshes at once instead of waiting for it.
        try await TestServer.with({ $0.refreshDebounce = .seconds(60) }) { server in
            // The listener's first LISTEN counts as a change (anything may have changed while nobody listened):
            // wait for it, so that the cached answer below is not dropped by it.
            try await eventually { await server.server.changesSeen >= 1 }
            let before = try await server.result("series", ["indicator": "industrial_output"])
            #expect(before["total"] == .int(1))
            #expect(try await server.result("series", ["indicator": "industrial_output"]) == before)  // cached
            let seen = await server.server.changesSeen

            let admin = try server.database.connect()
            try admin.transaction { connection in
                try connection.query("""
                    WITH sentence AS (
                        INSERT INTO zhibiao.sentences (document_id, ordinal, text)
                        SELECT 1, max(ordinal) + 1, 'x' FROM zhibiao.sentences WHERE document_id = 1 RETURNING ordinal
                    )
                    INSERT INTO zhibiao.facts (document_id, article, region, region_code, year, kind, indicator, label,
                        value, unit, base_value, unit_class, qualifier, growth_pct, measure, evidence_offset,
                        span_start, span_end, sentence_ordinal)
                    SELECT 1, 0, '峡窝镇', '410106100', 2022, 'actual', 'industrial_output', '工业产值', 39.7, '亿元',
                           3970000000, 'CNY', 'exact', NULL, 'level', 0, 0, 1, ordinal FROM sentence
                    """)
                try connection.notify("zhibiao_facts", payload: "1")
            }
            try await eventually { await server.server.changesSeen > seen }
            let after = try await server.result("series", ["indicator": "industrial_output"])
            #expect(after["total"] == .int(2))
            #expect(after.rows.last?["computed_growth_pct"] == .number("7.05"))
            #expect(after["as_of"] != before["as_of"])
            // The live views see it too.
            #expect(try await server.result("facts", ["indicator": "industrial_output"])["total"] == .int(2))
        }
    }

    @Test func reportingRoleReadsViewsOnlyAndWritesNothing() async throws {
        let database = try IngestedSeeds.database()
        defer { database.drop() }
        // Logged in as the role itself, as the server does (no SET ROLE that a RESET ROLE could undo).
        let login = database.target(loggedInAs: "zhibiao_reporting")
        let reporting = try PostgresConnection(
            login, sessionSetup: "SET default_transaction_read_only = on; SET statement_timeout = 5000")
        #expect(try reporting.query("SELECT count(*) FROM reporting.facts WHERE indicator IS NOT NULL").first?
            .decode(Int.self, at: 0) == 67)
        for statement in [
            "SELECT * FROM zhibiao.facts", "SELECT * FROM zhibiao.documents", "SELECT * FROM zhibiao.regions",
            "INSERT INTO zhibiao.regions VALUES ('99', 'x', 'province', NULL)",
            "DELETE FROM zhibiao.facts", "UPDATE zhibiao.reporting_refreshes SET refreshed_at = now()",
            "CREATE TABLE reporting.mine (x int)", "CREATE TABLE public.mine (x int)",
            "REFRESH MATERIALIZED VIEW reporting.consolidated",
        ] {
            #expect(throws: PostgresError.self, "\(statement)") { try reporting.query(statement) }
        }
        // Even outside a read-only transaction, the role can write nothing: only the refresh function runs.
        let maintenance = try PostgresConnection(login)
        #expect(throws: PostgresError.self) { try maintenance.query("DELETE FROM zhibiao.facts") }
        #expect(throws: PostgresError.self) { try maintenance.query("CREATE TABLE reporting.mine (x int)") }
        #expect(throws: PostgresError.self) {
            try maintenance.query("INSERT INTO reporting.facts (id) VALUES (1)")
        }
        #expect(try maintenance.query("SELECT reporting.refresh_consolidated()").count == 1)
    }
}
