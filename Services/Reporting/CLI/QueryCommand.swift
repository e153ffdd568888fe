import ArgumentParser
import Foundation
import ZhibiaoConfiguration
import ZhibiaoProtocol
import ZhibiaoRendering
import ZhibiaoReporting

/// `zhibiao-report query`: sends requests to a running server and prints the replies as JSON lines, a table or CSV.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Send a request (or JSON lines from stdin) and print the replies.",
        discussion: """
            --param key=value takes the value as the parameter's type says (describe); key:=JSON passes raw JSON.
            Without METHOD, each stdin line is a whole request object. --format table shows the display forms \
            (42.5 亿元) and fits the terminal; csv has every field. Exit status 1 when a reply is an error, 2 for an \
            invalid setting, 3 when the server cannot be reached.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, csv, json
    }

    @Argument(help: "method name (ping, describe, regions, facts, series …); omit to read requests from stdin")
    var method: String?
    @OptionGroup var parameters: RequestParameters
    @Option(help: "table, csv or json (the reply lines) [default: table on a terminal, json otherwise]")
    var format: Format?
    @Flag(help: "the same as --format table")
    var table = false
    @Option(help: "socket path [env: ZHIBIAO_SOCKET; default: $ZHIBIAO_HOME/report.sock]")
    var socket: String?

    func validate() throws {
        if table, let format, format != .table { throw ValidationError("--table contradicts --format \(format)") }
    }

    /// The format in force: asked for, else a table for a person at a terminal and JSON lines for a program.
    var resolvedFormat: Format {
        if table { return .table }
        return format ?? (isatty(STDOUT_FILENO) == 1 ? .table : .json)
    }

    func run() async throws {
        let path = ZhibiaoPaths().reportSocket(flag: socket)
        let failed = try await ServerSession.with(socket: path) { session in
            var failed = false
            if let method {
                let request = RPCRequest(
                    id: .int(1), method: method, params: try await parameters.members(for: method, session: session))
                try await session.connection.send(request.json.encoded())
                failed = try await printReply(session.connection, method: method)
            } else {
                while let line = readLine(strippingNewline: true) {
                    guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                    try await session.connection.send(line)
                    failed = try await printReply(session.connection, method: nil) || failed
                }
            }
            return failed
        }
        if failed { throw ExitCode.failure }
    }

    /// Prints the next reply; returns true when it is an error.
    private func printReply(_ connection: ReportConnection, method: String?) async throws -> Bool {
        guard let line = try await connection.readLine() else { throw ReportClientError.closed }
        let reply = try RPCResponse(line: line)
        switch (resolvedFormat, reply.result) {
        case (.table, let result?):
            print(TextTable.render(ResultRows(result, method: method), width: Self.terminalWidth()))
        case (.csv, let result?):
            FileHandle.standardOutput.write(Data(CSVFormat.render(ResultRows(result, method: method)).utf8))
        default:
            print(line)
        }
        if let error = reply.error {
            FileHandle.standardError.write(Data("error \(error.code.rawValue): \(error.message)\n".utf8))
        }
        return reply.error != nil
    }

    /// The terminal's width in columns: the terminal's own, else `$COLUMNS`, else 120 (a table sent to a pipe).
    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 120
    }
}
