import Foundation
import Testing
import ZhibiaoIngest
import ZhibiaoPostgres
import ZhibiaoTestSupport

@Suite("schema setup: migrations and the indicator catalogue")
struct SchemaSetupTests {
    @Test func catalogueIsSyncedAndUpdatedIdempotently() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        var indicators = try ExtractionParser().indicators
        #expect(indicators.count >= 29)
        #expect(try SchemaSetup.prepare(connection, indicators: indicators).first == 1)
        #expect(try SchemaSetup.prepare(connection, indicators: indicators).isEmpty)

        let stored = try connection.query("SELECT id, flow, names FROM reporting.indicators ORDER BY id")
        #expect(stored.count == indicators.count)
        let gdp = try #require(stored.first { try $0.decode(String.self, column: "id") == "gdp" })
        #expect(try gdp.decode(String.self, column: "flow") == "level")
        #expect(try gdp.decode(String.self, column: "names").contains("地区生产总值"))

        // A user's indicator file changes a definition and adds one: the next start brings the table along.
        indicators[0].names.append("测试\"名称\"")
        indicators.append(
            IndicatorDefinition(id: "test_metric", unitClass: "count", flow: "flow", names: ["测试指标"], note: ""))
        try SchemaSetup.prepare(connection, indicators: indicators)
        let names = try connection.query("SELECT names FROM zhibiao.indicators WHERE id = $1", [indicators[0].id])
            .first!.decode(String.self, at: 0)
        #expect(names.contains("测试\\\"名称\\\""))
        #expect(
            try connection.query("SELECT count(*) FROM zhibiao.indicators").first!.decode(Int.self, at: 0)
                == indicators.count)
    }
}
