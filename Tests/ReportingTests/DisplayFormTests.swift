import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoReporting
import ZhibiaoTestSupport

/// Answers keep the exact values and add how a person reads them (docs/protocol.md, "Display forms").
@Suite("display forms in answers")
struct DisplayFormTests {
    @Test func everyFigureCarriesItsUnitBesideTheExactValue() async throws {
        try await TestServer.with { server in
            let series = try await server.result("series", ["indicator": "industrial_output", "region": "峡窝镇"]).rows
            #expect(series.first?["base_value"] == .number("4250000000"))
            #expect(series.first?["display"] == "42.5 亿元")
            #expect(series.first?["growth_display"] == "+7.07 %")

            let people = try await server.result("series", ["indicator": "resident_population", "region": "上街区"])
            #expect(people.rows.map { $0["display"] } == ["13.7 万人", "19.7 万人"])
            #expect(people.rows.last?["change_display"] == "+43.8 %")

            // A growth-only target says so; an amount target keeps its qualifier.
            let targets = try await server.result("targets", ["region": "上街区", "year": 2024]).rows
            func target(_ indicator: String) -> JSONValue? {
                targets.first { $0["indicator"]?.stringValue == indicator }?["target_display"]
            }
            #expect(target("gdp") == "目标：增长 7 %")
            #expect(target("key_project_investment") == "目标：约 240 亿元")
            #expect(target("skills_training") == "目标：6300 人次")
            #expect(targets.first?["actual_display"] == .null)

            let summary = try await server.result("summary", ["region": "来集镇"]).rows
            #expect(summary.first?["gdp_display"] == "65 亿元")
            #expect(summary.first?["actuals_display"]?["enterprise_rd_coverage"] == "82.22 %")
            #expect(summary.first?["actuals_display"]?["gdp"] == "65 亿元")
            let planned = try await server.result("summary", ["region": "上街区", "year": 2024, "subregions": false])
            #expect(planned.rows.first?["targets_display"]?["gdp"] == "目标：增长 7 %")
            #expect(planned.rows.first?["targets_display"]?["key_projects"] == "目标：72 个")

            // Every figure of every summary map has its display form, stocks and what a year added alike.
            let everything = try await server.result("summary", [:]).rows
            #expect(
                everything.contains { !($0["actuals_added"]?.objectValue ?? []).isEmpty },
                "the seeds state additions")
            for row in everything {
                for map in ["actuals", "targets", "actuals_added", "targets_added"] {
                    let figures = Set((row[map]?.objectValue ?? []).map(\.0))
                    let shown = (row[map + "_display"]?.objectValue ?? []).filter { $0.1.stringValue?.isEmpty == false }
                    #expect(
                        Set(shown.map(\.0)) == figures,
                        "\(map) of \(row["region"] ?? .null) \(row["year"] ?? .null)")
                }
            }

            let compare = try await server.result("compare", ["indicator": "high_tech_enterprises", "year": 2023])
            #expect(compare.rows.first?["display"] == "62 家")

            let fact = try #require(series.first?["fact_id"]?.intValue)
            let explained = try await server.result("explain", ["fact": .int(fact)])
            #expect(explained["fact"]?["display"] == "42.5 亿元")
            #expect(explained["consolidated"]?["display"] == "42.5 亿元")
            #expect(explained["consolidated"]?["base_value"] == .number("4250000000"))
            let document = try await server.result("document", ["name": "000_3b6c502861b3ad01.txt"])
            let stated = document["facts"]?.arrayValue?.first { $0["id"]?.intValue == fact }
            #expect(stated?["display"] == "42.5 亿元")
            #expect(stated?["growth_display"] == "+7.07 %")
        }
    }
}
