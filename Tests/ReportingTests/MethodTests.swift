import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoReporting

/// Every method against the seeds, with exact expected values.
@Suite("Reporting methods over the seeds")
struct MethodTests {
    @Test func pingAndDescribe() async throws {
        try await TestServer.with { server in
            #expect(try await server.result("ping") == .object([("pong", .bool(true))]))
            let description = try await server.result("describe")
            #expect(description["protocol_version"] == .string(ReportProtocol.version))
            let names = description["methods"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(
                names == [
                    "ping", "describe", "metrics", "regions", "indicators", "facts", "series", "compare", "targets",
                    "summary", "documents", "document", "explain",
                ])
            let series = description["methods"]?.arrayValue?.first { $0["name"] == .string("series") }
            #expect(series?["params"]?[0]?["name"] == .string("indicator"))
            #expect(series?["params"]?[0]?["required"] == .bool(true))
            #expect(description["errors"]?.arrayValue?.count == 13)
            // In-process there is no metrics backend: the method still answers, with whatever the registry holds.
            #expect(try await server.result("metrics")["text"]?.stringValue != nil)
        }
    }

    @Test func regionsTreeWithCounts() async throws {
        try await TestServer.with { server in
            // Every place the seeds' articles and facts name, with its parents up to the province (the places only
            // articles are about — 中原西路街道, 高山镇 — included), counting facts with an indicator.
            let all = try await server.result("regions")
            #expect(all["total"] == .int(12))
            let rows = all.rows.map {
                "\($0["code"]!.stringValue!) \($0["depth"]!.intValue!) \($0["facts"]!.intValue!) \($0["facts_total"]!.intValue!)"
            }
            #expect(
                rows == [
                    "41 0 0 67", "4101 1 0 67", "410102 2 0 0", "410102010 3 0 0", "410106 2 40 57",
                    "410106100 3 17 17", "410108 2 2 2", "410182 2 0 0", "410182106 3 0 0", "410183 2 0 7",
                    "410183110 3 7 7", "410185 2 1 1",
                ])
            let subtree = try await server.result("regions", ["root": "上街区"])
            #expect(subtree.rows.compactMap { $0["name"]?.stringValue } == ["上街区", "峡窝镇"])
            let towns = try await server.result("regions", ["level": "township"])
            #expect(towns.rows.compactMap { $0["name"]?.stringValue } == ["中原西路街道", "峡窝镇", "高山镇", "来集镇"])
            // Asked for, facts without an indicator count too.
            let everything = try await server.result("regions", ["root": "峡窝镇", "unindexed": true])
            #expect(everything.rows.first?["facts"] == .int(86))
            let missing = try await server.call("regions", ["root": "火星镇"])
            #expect(missing.error?.code == .notFound)
            #expect(missing.error?.data?["param"] == .string("root"))
        }
    }

    @Test func indicatorsCatalogue() async throws {
        try await TestServer.with { server in
            let result = try await server.result("indicators")
            #expect(result["total"] == .int(29))
            let gdp = result.rows.first { $0["id"] == .string("gdp") }
            #expect(gdp?["unit_class"] == .string("CNY"))
            #expect(gdp?["names"]?[0] == .string("地区生产总值"))
            #expect(gdp?["facts"] == .int(3))
        }
    }

    @Test func factsWithEvidenceAndFilters() async throws {
        try await TestServer.with { server in
            let result = try await server.result(
                "facts", ["region": "峡窝镇", "indicator": "industrial_output", "year": 2023])
            #expect(result["total"] == .int(1))
            let fact = try #require(result.rows.first)
            #expect(fact["base_value"] == .number("4250000000"))
            #expect(fact["value"] == .number("42.5"))
            #expect(fact["unit"] == .string("亿元"))
            #expect(fact["growth_pct"] == .number("7.07"))
            #expect(fact["evidence"] == .string("峡窝镇工业产值完成42.5亿元，同比增长7.07%"))
            #expect(fact["doc"] == .string("000_3b6c502861b3ad01.txt"))
            #expect(fact["label"] == .string("工业产值"))
            #expect(fact["span"] == .array([.int(217), .int(242)]))
            #expect(fact["measure"] == .string("level"))
            #expect(result["as_of"]?.stringValue?.hasSuffix("Z") == true)

            // A region includes its sub-regions unless told otherwise.
            #expect(try await server.result("facts", ["region": "上街区"])["total"] == .int(57))
            #expect(try await server.result("facts", ["region": "410106", "subregions": false])["total"] == .int(40))
            #expect(try await server.result("facts", ["kind": "target"])["total"] == .int(15))
            #expect(try await server.result("facts", ["year_from": 2015, "year_to": 2020])["total"] == .int(8))
            #expect(try await server.result("facts", ["q": "同比增长"])["total"] == .int(3))

            // Pagination: pages add up, next_offset ends with null.
            let first = try await server.result("facts", ["limit": 50])
            #expect(first["total"] == .int(67))
            #expect(first.rows.count == 50)
            #expect(first["next_offset"] == .int(50))
            let second = try await server.result("facts", ["limit": 50, "offset": 50])
            #expect(second.rows.count == 17)
            #expect(second["next_offset"] == .null)
            let beyond = try await server.result("facts", ["offset": 500])
            #expect(beyond["total"] == .int(67))
            #expect(beyond.rows.isEmpty)
        }
    }

    @Test func rowCapClampsLimit() async throws {
        try await TestServer.with({ $0.rowCap = 10 }) { server in
            let result = try await server.result("facts", ["limit": 1000])
            #expect(result["limit"] == .int(10))
            #expect(result.rows.count == 10)
            #expect(result["total"] == .int(67))
        }
    }

    @Test func seriesWithStatedAndComputedGrowth() async throws {
        try await TestServer.with { server in
            let output = try await server.result("series", ["indicator": "industrial_output", "region": "峡窝镇"])
            #expect(output.rows.count == 1)
            #expect(output.rows[0]["base_value"] == .number("4250000000"))
            #expect(output.rows[0]["stated_growth_pct"] == .number("7.07"))
            #expect(output.rows[0]["computed_growth_pct"] == .null)

            // 24 firms added in 2022 and 62 in total in 2023 are two series: no growth from one to the other.
            let hightech = try await server.result("series", ["indicator": "high_tech_enterprises", "region": "峡窝镇"])
            #expect(hightech.rows.map { $0["year"]!.intValue! } == [2022, 2023])
            #expect(hightech.rows.map { $0["measure"]!.stringValue! } == ["added", "level"])
            #expect(hightech.rows[1]["computed_growth_pct"] == .null)
            #expect(hightech.rows[1]["previous_year"] == .null)
            let added = try await server.result(
                "series", ["indicator": "high_tech_enterprises", "region": "峡窝镇", "measure": "added"])
            #expect(added.rows.map { $0["base_value"]! } == [.number("24")])

            // Two regions; a five-year gap has a change but no annual growth.
            let both = try await server.result(
                "series", ["indicator": "high_tech_enterprises", "region": .array(["上街区", "峡窝镇"])])
            #expect(both["total"] == .int(5))
            let shangjie2020 = both.rows.first { $0["region"] == .string("上街区") && $0["year"] == .int(2020) }
            #expect(shangjie2020?["change_pct"] == .number("787.50"))
            #expect(shangjie2020?["computed_growth_pct"] == .null)
        }
    }

    @Test func compareRanksRegions() async throws {
        try await TestServer.with { server in
            let result = try await server.result("compare", ["indicator": "high_tech_enterprises", "year": 2023])
            #expect(result.rows.map { $0["region"]!.stringValue! } == ["峡窝镇", "来集镇"])
            #expect(result.rows.map { $0["rank"]!.intValue! } == [1, 2])
            // 来集镇 states 5 new and 25 in total: the stock is ranked, and the two are no conflict.
            #expect(result.rows[1]["base_value"] == .number("25"))
            #expect(result.rows[1]["measure"] == .string("level"))
            #expect(result.rows[1]["conflict"] == .bool(false))
            #expect(result.rows[1]["n_sources"] == .int(1))
            let added = try await server.result(
                "compare", ["indicator": "high_tech_enterprises", "year": 2023, "measure": "added"])
            #expect(added.rows.map { $0["region"]!.stringValue! } == ["来集镇"])
            #expect(added.rows.first?["base_value"] == .number("5"))
        }
    }

    @Test func targetsOfShangjie2024() async throws {
        try await TestServer.with { server in
            let result = try await server.result("targets", ["region": "上街区", "year": 2024])
            #expect(result["total"] == .int(15))
            let byIndicator = Dictionary(uniqueKeysWithValues: result.rows.map { ($0["indicator"]!.stringValue!, $0) })
            #expect(byIndicator["gdp"]?["target_growth_pct"] == .number("7"))
            #expect(byIndicator["gdp"]?["target_base_value"] == .null)
            #expect(byIndicator["industrial_value_added"]?["target_growth_pct"] == .number("9"))
            #expect(byIndicator["fixed_asset_investment"]?["target_growth_pct"] == .number("10"))
            #expect(byIndicator["retail_sales"]?["target_growth_pct"] == .number("8"))
            #expect(byIndicator["budget_revenue"]?["target_growth_pct"] == .number("3"))
            #expect(byIndicator["key_projects"]?["target_base_value"] == .number("72"))
            #expect(byIndicator["key_project_investment"]?["target_base_value"] == .number("24000000000"))
            #expect(byIndicator["key_project_investment"]?["target_qualifier"] == .string("approx"))
            #expect(byIndicator["signed_investment"]?["target_base_value"] == .number("32000000000"))
            #expect(byIndicator["new_urban_jobs"]?["target_base_value"] == .number("2800"))
            #expect(byIndicator["skills_training"]?["target_base_value"] == .number("6300"))
            #expect(result.rows.allSatisfy { $0["status"] == .string("pending") && $0["achieved"] == .null })
            #expect(try await server.result("targets", ["status": "achieved"])["total"] == .int(0))
        }
    }

    @Test func summaryDashboard() async throws {
        try await TestServer.with { server in
            let result = try await server.result("summary", ["region": "来集镇"])
            #expect(result.rows.count == 1)
            let row = result.rows[0]
            #expect(row["year"] == .int(2023))
            #expect(row["gdp"] == .number("6500000000"))
            #expect(row["actual_indicators"] == .int(5))
            #expect(row["conflicts"] == .int(0))
            #expect(row["facts"] == .int(7))
            #expect(row["actuals"]?["industrial_value_added"] == .number("1150000000"))
            #expect(row["actuals"]?["high_tech_enterprises"] == .number("25"))
            #expect(row["actuals_added"]?["high_tech_enterprises"] == .number("5"))
            let everything = try await server.result("summary", ["region": "来集镇", "unindexed": true])
            #expect(everything.rows.first?["facts"] == .int(12))
            let all = try await server.result("summary")
            #expect(all["total"] == .int(9))
        }
    }

    @Test func documentsAndOneDocument() async throws {
        try await TestServer.with { server in
            let list = try await server.result("documents")
            #expect(list["total"] == .int(5))
            #expect(list.rows.map { $0["facts"]!.intValue! } == [11, 6, 17, 8, 25])
            #expect(list.rows[4]["articles"] == .int(11))
            #expect(list.rows[4]["targets"] == .int(15))
            #expect(list.rows[4]["years"] == .array([.int(2023), .int(2024)]))
            #expect(try await server.result("documents", ["region": "峡窝镇"])["total"] == .int(2))

            let one = try await server.result("document", ["name": "004_cb355fd960d97158.txt", "text": true])
            // The newspaper page: its banner, then ten articles, each about its own place.
            #expect(
                one["articles"]?.arrayValue?.compactMap { $0["region"]?.stringValue }
                    == [
                        "上街区", "上街区", "来集镇", "中原西路街道", "高山镇", "惠济区", "篾街社区", "梧桐办事处",
                        "西环路社区", "马寨村", "登封市",
                    ])
            #expect(one["articles"]?[1]?["title"] == .string("激活发展内生动力 构建现代化产业体系"))
            #expect(one["articles"]?[1]?["sets_targets"] == .bool(true))
            #expect(one["facts"]?.arrayValue?.count == 25)
            let text = try #require(one["text"]?.stringValue)
            // Spans index the text in Unicode scalars.
            for fact in one["facts"]?.arrayValue ?? [] {
                let span = fact["span"]!.arrayValue!.map { $0.intValue! }
                let scalars = Array(text.unicodeScalars)[span[0]..<span[1]]
                #expect(String(String.UnicodeScalarView(scalars)) == fact["evidence"]?.stringValue)
            }
            let missing = try await server.call("document", ["id": 999])
            #expect(missing.error?.code == .notFound)
            let both = try await server.call("document", ["id": 1, "name": "x"])
            #expect(both.error?.code == .invalidParams)
        }
    }

    @Test func explainAFact() async throws {
        try await TestServer.with { server in
            let facts = try await server.result("facts", ["region": "峡窝镇", "indicator": "industrial_output"])
            let id = try #require(facts.rows.first?["id"])
            let result = try await server.result("explain", ["fact": id])
            #expect(result["fact"]?["evidence"] == .string("峡窝镇工业产值完成42.5亿元，同比增长7.07%"))
            #expect(result["document"]?["name"] == .string("000_3b6c502861b3ad01.txt"))
            #expect(result["article"]?["region"] == .string("峡窝镇"))
            #expect(result["sentence"] == .string("1月至12月，峡窝镇工业产值完成42.5亿元，同比增长7.07%；"))
            #expect(result["span"] == .array([.int(217), .int(242)]))
            #expect(result["consolidated"]?["chosen"] == .bool(true))
            #expect(result["consolidated"]?["base_value"] == .number("4250000000"))
            #expect(result["other_sources"] == .array([]))

            // 来集镇's two high-tech counts, 5 added and 25 in total, are two consolidated values, not rivals.
            let laiji = try await server.result("facts", ["region": "来集镇", "indicator": "high_tech_enterprises"])
            #expect(laiji.rows.map { $0["measure"]!.stringValue! } == ["added", "level"])
            for fact in laiji.rows {
                let explained = try await server.result("explain", ["fact": fact["id"]!])
                #expect(explained["consolidated"]?["chosen"] == .bool(true))
                #expect(explained["consolidated"]?["measure"] == fact["measure"])
                #expect(explained["consolidated"]?["conflict"] == .bool(false))
                #expect(explained["other_sources"] == .array([]))
            }
        }
    }
}
