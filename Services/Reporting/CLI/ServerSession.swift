import ArgumentParser
import Foundation
import ZhibiaoProtocol
import ZhibiaoReporting

/// A connection to the reporting server for the CLI's commands: one clean line when no server is there, and whole
/// lists fetched page by page.
struct ServerSession {
    let connection: ReportConnection

    /// Runs `body` on a connection to the server at `socket`. When nothing listens there (no socket file, or one a
    /// stopped server left), says so in one line with the fix and exits 3; other failures exit 3 with their reason.
    static func with<T>(socket path: String, _ body: (ServerSession) async throws -> T) async throws -> T {
        var connected = false
        do {
            return try await ReportClient.withConnection(socket: path) { connection in
                connected = true
                return try await body(ServerSession(connection: connection))
            }
        } catch let error as ValidationError {
            throw error
        } catch let error as ExitCode {
            throw error
        } catch let error as CLIFailure {
            FileHandle.standardError.write(Data("zhibiao-report: \(error.message)\n".utf8))
            throw ExitCode.failure
        } catch {
            // Not 2: that code means an invalid setting in both CLIs.
            let message =
                connected
                ? "cannot query \(path): \(error)"
                : "no report server at \(path) — start it with `zhibiao-report serve` or `make demo`"
            FileHandle.standardError.write(Data("zhibiao-report: \(message)\n".utf8))
            throw ExitCode(3)
        }
    }

    /// The result of a request that must succeed; an error reply is a `CLIFailure` with its message.
    func result(_ method: String, _ params: [(String, JSONValue)] = []) async throws -> JSONValue {
        let reply = try await connection.call(method, params)
        guard let result = reply.result else {
            throw CLIFailure(message: "\(method): \(reply.error?.message ?? "no result")")
        }
        return result
    }

    /// Every row of a list, following `next_cursor`, and the first page's `as_of`.
    func all(_ method: String, _ params: [(String, JSONValue)] = []) async throws -> (rows: [JSONValue], asOf: String) {
        var page = try await result(method, params)
        var rows = page["rows"]?.arrayValue ?? []
        let asOf = page["as_of"]?.stringValue ?? ""
        while let cursor = page["next_cursor"]?.stringValue {
            page = try await result(method, params.filter { $0.0 != "offset" } + [("cursor", .string(cursor))])
            rows += page["rows"]?.arrayValue ?? []
        }
        return (rows, asOf)
    }

    /// Each indicator's id and first name (地区生产总值), in catalogue order.
    func indicatorNames() async throws -> [(id: String, name: String)] {
        try await all("indicators").rows.compactMap { row in
            row["id"]?.stringValue.map { ($0, row["names"]?[0]?.stringValue ?? $0) }
        }
    }
}

/// A failure to report in one line (exit 1): an error reply, a region with no data.
struct CLIFailure: Error {
    let message: String
}
