import ArgumentParser
import Foundation
import ZhibiaoConfiguration
import ZhibiaoProtocol
import ZhibiaoRendering

/// `zhibiao-report chart series|compare|targets --param … --output FILE.svg`: a chart of one method's answer as an
/// SVG file (no script; Chinese labels in the Noto CJK fonts where the viewer has them).
struct ChartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chart", abstract: "Draw a series, compare or targets answer as an SVG file.",
        subcommands: [SeriesChartCommand.self, CompareChartCommand.self, TargetsChartCommand.self])
}

/// What every chart takes: the method's parameters, the output file, the socket.
struct ChartOptions: ParsableArguments {
    @OptionGroup var parameters: RequestParameters
    @Option(help: "the SVG file to write") var output: String
    @Option(help: "socket path [env: ZHIBIAO_SOCKET; default: $ZHIBIAO_HOME/report.sock]") var socket: String?

    /// Asks the server for the chart's data (`draw` builds the SVG from it), writes the file and says what it drew.
    func write(
        method: String, _ draw: (ServerSession, [(String, JSONValue)]) async throws -> (svg: String, what: String)
    ) async throws {
        let (svg, what) = try await ServerSession.with(socket: ZhibiaoPaths().reportSocket(flag: socket)) { session in
            try await draw(session, try await parameters.members(for: method, session: session))
        }
        do {
            try Data(svg.utf8).write(to: URL(fileURLWithPath: output))
        } catch {
            let reason = error.localizedDescription
            FileHandle.standardError.write(Data("zhibiao-report: cannot write \(output): \(reason)\n".utf8))
            throw ExitCode.failure
        }
        print("wrote \(output): \(what)")
    }
}

extension [(String, JSONValue)] {
    subscript(parameter name: String) -> JSONValue? { first { $0.0 == name }?.1 }
}

struct SeriesChartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "series",
        abstract: "A line chart of one indicator over the years, a line per region, targets marked apart.",
        discussion: "Parameters as for `query series` (indicator required; region, year_from, year_to).")

    @OptionGroup var options: ChartOptions

    func run() async throws {
        try await options.write(method: "series") { session, params in
            let (rows, asOf) = try await session.all("series", params)
            let indicator = params[parameter: "indicator"]?.stringValue ?? ""  // required: the server checked it
            var targetParams: [(String, JSONValue)] = [("indicator", .string(indicator)), ("subregions", .bool(false))]
            targetParams += params.filter { $0.0 == "region" }
            let first = params[parameter: "year_from"]?.intValue ?? .min
            let last = params[parameter: "year_to"]?.intValue ?? .max
            let targets = try await session.all("targets", targetParams).rows.filter {
                let year = $0["year"]?.intValue ?? 0
                return year >= first && year <= last
            }
            let name = try await session.indicatorNames().first { $0.id == indicator }?.name ?? indicator
            let chart = SeriesChart(
                title: "\(name)（\(indicator)）", subtitle: "数据截至 \(asOf)", series: rows,
                targets: targets)
            let points = chart.lines.map { $0.actuals.count }.reduce(0, +)
            return (
                chart.document,
                "\(chart.lines.count) regions, \(points) values, "
                    + "\(chart.lines.map(\.targets.count).reduce(0, +)) targets"
            )
        }
    }
}

struct CompareChartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare", abstract: "A ranked bar chart of one indicator in one year.",
        discussion: "Parameters as for `query compare` (indicator and year required; kind, level, within).")

    @OptionGroup var options: ChartOptions

    func run() async throws {
        try await options.write(method: "compare") { session, params in
            let (rows, asOf) = try await session.all("compare", params)
            let indicator = params[parameter: "indicator"]?.stringValue ?? ""
            let name = try await session.indicatorNames().first { $0.id == indicator }?.name ?? indicator
            let year = params[parameter: "year"]?.intValue.map { "\($0) 年" } ?? ""
            let kind = params[parameter: "kind"]?.stringValue == "target" ? "目标" : ""
            let chart = CompareChart(
                title: "\(name)\(kind)排名 · \(year)", subtitle: "\(indicator) · 数据截至 \(asOf)",
                rows: rows)
            return (chart.document, "\(chart.bars.count) regions ranked")
        }
    }
}

struct TargetsChartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "targets", abstract: "Targets against actuals: achieved, missed or pending.",
        discussion: "Parameters as for `query targets` (region, subregions, year, indicator, status).")

    @OptionGroup var options: ChartOptions

    func run() async throws {
        try await options.write(method: "targets") { session, params in
            let (rows, asOf) = try await session.all("targets", params)
            let names = Dictionary(
                try await session.indicatorNames().map { ($0.id, $0.name) },
                uniquingKeysWith: { first, _ in first })
            let scope = [
                params[parameter: "region"].map(TextTable.summary),
                params[parameter: "year"]?.intValue
                    .map { "\($0) 年" },
            ].compactMap { $0 }.joined(separator: " ")
            let chart = TargetsChart(
                title: "目标与实际" + (scope.isEmpty ? "" : " · " + scope),
                subtitle: "数据截至 \(asOf)", rows: rows, indicatorNames: names)
            let achieved = rows.filter { $0["status"]?.stringValue == "achieved" }.count
            return (chart.document, "\(rows.count) targets, \(achieved) achieved")
        }
    }
}
