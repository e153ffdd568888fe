import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoReporting
import ZhibiaoTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The whole pipeline on the seeds: `zhibiao-ingest submit` puts them in the queue, the `zhibiao-ingest serve`
/// daemon stores them (`IngestedSeeds`), and the `zhibiao-report serve` process answers over its socket; each logged
/// in as its own role (`zhibiao_ingest`, `zhibiao_reporting`).
@Suite("The seeds end to end: queue, ingest daemon, report server")
struct SeedsEndToEndTests {
    @Test func theReportServerAnswersWithTheSeedsFigures() async throws {
        let database = try IngestedSeeds.database()
        defer { database.drop() }
        let socket = temporarySocketPath()
        let server = try ChildProcess(
            try Repository.executable("zhibiao-report"), ["serve"],
            environment: [
                "ZHIBIAO_DATABASE_URL": database.target(loggedInAs: "zhibiao_reporting").description,
                "ZHIBIAO_SOCKET": socket,
            ])
        defer {
            server.signal(SIGKILL)
            server.wait()
            unlink(socket)
        }
        try await eventually(.seconds(20)) {
            (try? await ReportClient.withConnection(socket: socket) { try await $0.call("ping") }) != nil
        }
        @Sendable func result(_ method: String, _ params: [(String, JSONValue)]) async throws -> JSONValue {
            let reply = try await ReportClient.withConnection(socket: socket) { try await $0.call(method, params) }
            return try #require(reply.result, "\(method): \(reply)")
        }

        // 峡窝镇's 2023 industrial output: 4.25e9 yuan, +7.07 %, with its evidence where the span says.
        let output = try await result("facts", [("region", "峡窝镇"), ("indicator", "industrial_output"), ("year", 2023)])
        #expect(output["total"] == .int(1))
        let fact = try #require(output.rows.first)
        #expect(fact["doc"] == .string("000_3b6c502861b3ad01.txt"))
        #expect(fact["kind"] == .string("actual"))
        #expect(fact["value"] == .number("42.5"))
        #expect(fact["unit"] == .string("亿元"))
        #expect(fact["base_value"] == .number("4250000000"))
        #expect(fact["growth_pct"] == .number("7.07"))
        #expect(fact["measure"] == .string("level"))
        #expect(fact["evidence"] == .string("峡窝镇工业产值完成42.5亿元，同比增长7.07%"))
        #expect(fact["span"] == .array([.int(217), .int(242)]))
        let document = try await result("document", [("id", fact["document_id"]!), ("text", true)])
        let text = Array(try #require(document["text"]?.stringValue).unicodeScalars)
        #expect(String(String.UnicodeScalarView(text[217..<242])) == fact["evidence"]?.stringValue)
        let explained = try await result("explain", [("fact", fact["id"]!)])
        #expect(explained["sentence"] == .string("1月至12月，峡窝镇工业产值完成42.5亿元，同比增长7.07%；"))
        #expect(explained["article"]?["region"] == .string("峡窝镇"))
        #expect(explained["consolidated"]?["base_value"] == .number("4250000000"))
        #expect(explained["consolidated"]?["growth_pct"] == .number("7.07"))
        #expect(explained["consolidated"]?["n_sources"] == .int(1))
        #expect(explained["consolidated"]?["conflict"] == .bool(false))
        let series = try await result("series", [("indicator", "industrial_output"), ("region", "峡窝镇")])
        #expect(
            series.rows.map { Self.project($0, ["year", "base_value", "stated_growth_pct"]) }
                == ["2023 4250000000 7.07"])

        // A district's facts include its towns': 上街区's 40 and 峡窝镇's 17 (86 with the facts without an indicator).
        for unindexed in [false, true] {
            let district = try await result("facts", [("region", "上街区"), ("unindexed", .bool(unindexed))])
            let own = try await result(
                "facts", [("region", "上街区"), ("subregions", false), ("unindexed", .bool(unindexed))])
            let town = try await result("facts", [("region", "峡窝镇"), ("unindexed", .bool(unindexed))])
            #expect(town["total"] == .int(unindexed ? 86 : 17))
            #expect(district["total"]?.intValue == (own["total"]?.intValue ?? 0) + (town["total"]?.intValue ?? 0))
            let districtIDs = Set(district.rows.compactMap { $0["id"]?.intValue })
            let townIDs = Set(town.rows.compactMap { $0["id"]?.intValue })
            #expect(townIDs.count == town.rows.count && townIDs.isSubset(of: districtIDs))
        }
        #expect(try await result("facts", [("region", "上街区")])["total"] == .int(57))

        // The tree below 上街区: its town, with its parent and its path from the province.
        let tree = try await result("regions", [("root", "上街区")])
        #expect(
            tree.rows.map {
                Self.project($0, ["code", "name", "level", "parent_code", "depth", "facts", "facts_total"])
            }
                == ["410106 上街区 county 4101 2 40 57", "410106100 峡窝镇 township 410106 3 17 17"])
        #expect(tree.rows.last?["path"] == .array(["41", "4101", "410106", "410106100"].map(JSONValue.string)))

        // 来集镇's high-tech enterprises in 2023: 25 in total and 5 new, two values, no conflict.
        let laiji = try await result("series", [("indicator", "high_tech_enterprises"), ("region", "来集镇")])
        #expect(
            laiji.rows.map { Self.project($0, ["year", "measure", "base_value", "conflict", "n_sources"]) }
                == ["2023 added 5 false 1", "2023 level 25 false 1"])
    }

    /// The values of `keys` in `row`, space-separated (strings bare, numbers as written).
    static func project(_ row: JSONValue, _ keys: [String]) -> String {
        keys.map { key in
            guard let value = row[key] else { return "-" }
            return value.stringValue ?? value.encoded()
        }.joined(separator: " ")
    }
}
