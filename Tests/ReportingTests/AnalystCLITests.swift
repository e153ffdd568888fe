import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoRendering
import ZhibiaoReporting
import ZhibiaoTestSupport

/// `zhibiao-report query --format`, `chart`, and what a missing server says, with the real binary on a real socket.
@Suite("zhibiao-report for analysts")
struct AnalystCLITests {
    @Test func formatsTableCsvAndJson() async throws {
        let binary = try Repository.executable("zhibiao-report")
        try await TestServer.with { server in
            let socket = ["--socket", server.socket]
            let csv = try await Subprocess.runOffPool(
                binary, ["query", "series", "--param", "indicator=industrial_output", "--format", "csv"] + socket)
            #expect(csv.exitCode == 0, "\(csv.stderr)")
            let records = csv.stdout.components(separatedBy: "\r\n")
            let header = records.first?.split(separator: ",").map(String.init) ?? []
            #expect(header.starts(with: ["region_code", "region", "indicator"]), "\(header)")
            #expect(["base_value", "unit_class", "display", "growth_display"].allSatisfy(header.contains), "\(header)")
            #expect(
                records.contains { $0.contains(",4250000000,") && $0.contains(",42.5 亿元,+7.07 %,") },
                "\(csv.stdout)")

            // A table as wide as the terminal says it is, whatever the evidence's length.
            let table = try await Subprocess.runOffPool(
                binary, ["query", "facts", "--param", "region=上街区", "--format", "table"] + socket,
                environment: ["COLUMNS": "72"])
            #expect(table.exitCode == 0, "\(table.stderr)")
            let lines = table.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count > 10)
            #expect(lines.allSatisfy { TextTable.displayWidth($0) <= 72 }, "\(table.stdout)")
            #expect(table.stdout.contains("165.5 亿元"))

            let empty = try await Subprocess.runOffPool(
                binary,
                ["query", "series", "--param", "indicator=gdp", "--param", "region=峡窝镇", "--format", "table"]
                    + socket)
            #expect(empty.stdout.hasPrefix("no rows\n(0 of 0 rows"), "\(empty.stdout)")

            // Not a terminal and no --format: the reply line, for programs.
            let json = try await Subprocess.runOffPool(binary, ["query", "ping"] + socket)
            #expect(json.stdout == "{\"id\":1,\"result\":{\"pong\":true}}\n")
        }
    }

    @Test func chartsAreWrittenAsSvgFiles() async throws {
        let binary = try Repository.executable("zhibiao-report")
        let folder = NSTemporaryDirectory() + "zhibiao-charts-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await TestServer.with { server in
            // What each drew, as `chart` says: (at least) two regions' lines, a ranking, the 2024 targets.
            let runs: [([String], String)] = [
                (
                    ["series", "--param", "indicator=high_tech_enterprises", "--param", "region=上街区,峡窝镇"],
                    #"^wrote .*: ([2-9]|\d\d) regions, ([4-9]|\d\d) values, \d+ targets\n$"#
                ),
                (
                    ["compare", "--param", "indicator=high_tech_enterprises", "--param", "year=2023"],
                    #"^wrote .*: ([2-9]|\d\d) regions ranked\n$"#
                ),
                (
                    ["targets", "--param", "region=上街区", "--param", "year=2024"],
                    #"^wrote .*: 15 targets, 0 achieved\n$"#
                ),
            ]
            for (arguments, summary) in runs {
                let file = "\(folder)/\(arguments[0]).svg"
                let run = try await Subprocess.runOffPool(
                    binary, ["chart"] + arguments + ["--output", file, "--socket", server.socket])
                #expect(run.exitCode == 0, "\(run.stderr)")
                #expect(run.stdout.range(of: summary, options: .regularExpression) != nil, "\(run.stdout)")
                let svg = try String(contentsOfFile: file, encoding: .utf8)
                #expect(
                    svg.hasPrefix(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
                #expect(svg.contains("高新技术企业") || svg.contains("目标与实际"))
            }
        }
    }

    @Test func withoutAServerEachCommandSaysSoInOneLineWithTheFix() throws {
        let binary = try Repository.executable("zhibiao-report")
        let socket = temporarySocketPath()
        for arguments in [
            ["query", "ping"], ["page", "--region", "上街区", "--output", NSTemporaryDirectory()],
            ["chart", "series", "--param", "indicator=gdp", "--output", "/tmp/unused.svg"],
        ] {
            let run = try Subprocess.run(binary, arguments + ["--socket", socket])
            #expect(run.exitCode == 3)
            #expect(
                run.stderr == "zhibiao-report: no report server at \(socket) — start it with "
                    + "`zhibiao-report serve` or `make demo`\n", "\(arguments)")
        }
    }
}

extension Subprocess {
    /// `run` on a thread of its own: a test waiting for a child that queries the in-process server must not hold one
    /// of the cooperative threads that server answers on (two, on two cores), or tests run in parallel starve it.
    static func runOffPool(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:]
    ) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try run(executable, arguments, environment: environment) })
            }
        }
    }
}
