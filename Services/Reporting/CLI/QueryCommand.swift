import ArgumentParser
import Foundation
import ZhibiaoConfiguration
import ZhibiaoModels
import ZhibiaoReporting

/// `zhibiao-report query`: sends requests to a running server and prints the reply lines.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query", abstract: "Send a request (or JSON lines from stdin) and print the replies.",
        discussion: """
            --param key=value takes the value as the parameter's type says (describe); key:=JSON passes raw JSON.
            Without METHOD, each stdin line is a whole request object. Exit status 1 when a reply is an error, 2 for an invalid setting,
            3 when the server cannot be reached.
            """)

    @Argument(help: "method name (ping, describe, regions, facts, series …); omit to read requests from stdin")
    var method: String?
    @Option(name: .customLong("param"), help: "a parameter, key=value or key:=JSON (repeatable)")
    var params: [String] = []
    @Option(help: "all parameters as one JSON object")
    var json: String?
    @Flag(help: "render result rows as a table")
    var table = false
    @Option(help: "socket path [env: ZHIBIAO_SOCKET; default: $ZHIBIAO_HOME/report.sock]")
    var socket: String?

    func run() async throws {
        let path = ZhibiaoPaths().reportSocket(flag: socket)
        var failed = false
        do {
            try await ReportClient.withConnection(socket: path) { connection in
                if let method {
                    let request = try await buildRequest(method, connection)
                    try await connection.send(request.json.encoded())
                    failed = try await printReply(connection) || failed
                } else {
                    while let line = readLine(strippingNewline: true) {
                        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
                        try await connection.send(line)
                        failed = try await printReply(connection) || failed
                    }
                }
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            // Not 2: that code means an invalid setting in both CLIs.
            FileHandle.standardError.write(Data("zhibiao-report: cannot query \(path): \(error)\n".utf8))
            throw ExitCode(3)
        }
        if failed { throw ExitCode.failure }
    }

    /// Prints the next reply; returns true when it is an error.
    private func printReply(_ connection: ReportConnection) async throws -> Bool {
        guard let line = try await connection.readLine() else { throw ReportClientError.closed }
        let reply = try RPCResponse(line: line)
        if table, let result = reply.result {
            print(TableRenderer.render(result))
        } else {
            print(line)
        }
        if let error = reply.error { FileHandle.standardError.write(Data("error \(error.code.rawValue): \(error.message)\n".utf8)) }
        return reply.error != nil
    }

    private func buildRequest(_ method: String, _ connection: ReportConnection) async throws -> RPCRequest {
        var members: [(String, JSONValue)] = []
        if let json {
            guard case .object(let object)? = try? JSONValue(parsing: json) else {
                throw ValidationError("--json must be a JSON object")
            }
            members = object
        }
        guard !params.isEmpty else { return RPCRequest(id: .int(1), method: method, params: members) }
        // `key=value` needs each parameter's type: ask the server once.
        let types = try await parameterTypes(method, connection)
        for param in params {
            if let range = param.range(of: ":=") {
                let key = String(param[..<range.lowerBound])
                guard let value = try? JSONValue(parsing: String(param[range.upperBound...])) else {
                    throw ValidationError("--param \(key):= must be followed by JSON")
                }
                members.append((key, value))
            } else if let equals = param.firstIndex(of: "=") {
                let key = String(param[..<equals])
                let text = String(param[param.index(after: equals)...])
                members.append((key, Self.coerce(text, type: types[key])))
            } else {
                throw ValidationError("--param \(param) is not key=value or key:=JSON")
            }
        }
        return RPCRequest(id: .int(1), method: method, params: members)
    }

    private func parameterTypes(_ method: String, _ connection: ReportConnection) async throws -> [String: String] {
        let reply = try await connection.call("describe")
        var types: [String: String] = [:]
        for spec in reply.result?["methods"]?.arrayValue ?? [] where spec["name"]?.stringValue == method {
            for param in spec["params"]?.arrayValue ?? [] {
                if let name = param["name"]?.stringValue { types[name] = param["type"]?.stringValue }
            }
        }
        return types
    }

    /// A command-line value as the parameter's type: integers and booleans parsed, lists split on commas.
    static func coerce(_ text: String, type: String?) -> JSONValue {
        switch type {
        case "integer": return Int(text).map(JSONValue.int) ?? .string(text)
        case "boolean": return text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
        case "string or array of strings" where text.contains(","):
            return .array(text.split(separator: ",").map { .string(String($0)) })
        default: return .string(text)
        }
    }
}
