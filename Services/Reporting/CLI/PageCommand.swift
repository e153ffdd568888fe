import ArgumentParser
import Foundation
import ZhibiaoConfiguration
import ZhibiaoProtocol
import ZhibiaoRendering
import ZhibiaoReporting

/// `zhibiao-report page --region NAME --output DIR`: writes `DIR/index.html`, one self-contained static report of a
/// region and its sub-regions, from the running server's answers.
struct PageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "page", abstract: "Write a static HTML report of a region and its sub-regions.",
        discussion: """
            The page has a summary table, each region's indicators by year, a line chart per indicator, targets \
            against actuals (achieved or missed), and for every number the sentence and document it comes from. \
            One file with inline CSS and SVG: open it in any browser, no server needed.
            """)

    @Option(help: "the region, by name or code (its sub-regions come with it)") var region: String
    @Option(help: "the folder to write index.html into (created if missing)") var output: String
    @Option(help: "socket path [env: ZHIBIAO_SOCKET; default: $ZHIBIAO_HOME/report.sock]") var socket: String?

    func run() async throws {
        let report = try await ServerSession.with(socket: ZhibiaoPaths().reportSocket(flag: socket)) { session in
            try await Self.load(region: region, from: session)
        }
        let page = RegionPage(report: report, generatedAt: ISO8601DateFormatter().string(from: Date()))
        let folder = URL(fileURLWithPath: output, isDirectory: true)
        let file = folder.appendingPathComponent("index.html")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(page.html.utf8).write(to: file)
        } catch {
            let reason = error.localizedDescription
            FileHandle.standardError.write(Data("zhibiao-report: cannot write \(file.path): \(reason)\n".utf8))
            throw ExitCode.failure
        }
        let below = report.tree.count - 1
        print(
            "wrote \(file.standardizedFileURL.path): \(report.regionName)"
                + (below > 0 ? " and \(below) sub-region\(below == 1 ? "" : "s")" : ""))
    }

    /// Everything the page shows, from the protocol's methods: the region's subtree (`regions` with `root`), its
    /// summary, targets, facts and documents, and the series of each indicator it has actual values for.
    static func load(region: String, from session: ServerSession) async throws -> RegionReport {
        let scope: [(String, JSONValue)] = [("region", .string(region))]
        let tree = try await session.all("regions", [("root", .string(region))]).rows
        let codes = tree.compactMap { $0["code"]?.stringValue }
        guard !codes.isEmpty else { throw CLIFailure(message: "no region \(region) in the data") }
        let indicators = try await session.indicatorNames()
        let (summary, asOf) = try await session.all("summary", scope)
        let withActuals = Set(summary.flatMap { $0["actuals"]?.objectValue?.map(\.0) ?? [] })
        var series: [String: [JSONValue]] = [:]
        for (indicator, _) in indicators where withActuals.contains(indicator) {
            series[indicator] = try await session.all(
                "series", [("indicator", .string(indicator)), ("region", .array(codes.map(JSONValue.string)))]
            ).rows
        }
        let facts = try await session.all("facts", scope).rows
        let documents = try await session.all("documents", scope).rows
        return RegionReport(
            tree: tree, indicators: indicators, summary: summary, series: series,
            targets: try await session.all("targets", scope).rows,
            facts: Dictionary(
                facts.compactMap { row in row["id"]?.intValue.map { ($0, row) } },
                uniquingKeysWith: { first, _ in first }),
            documents: Dictionary(
                documents.compactMap { row in row["id"]?.intValue.map { ($0, row) } },
                uniquingKeysWith: { first, _ in first }),
            asOf: asOf)
    }
}
