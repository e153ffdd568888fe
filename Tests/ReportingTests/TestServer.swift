import Foundation
import Logging
import ServiceLifecycle
import ZhibiaoPostgres
import ZhibiaoProtocol
import ZhibiaoReporting
import ZhibiaoTestSupport

/// A reporting server running in-process on a short temporary socket over a test database holding the seeds as the
/// real pipeline ingested them (`IngestedSeeds`), or over an empty one.
struct TestServer: Sendable {
    let server: ReportServer
    let database: TestDatabase
    let socket: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Copies the ingested seeds (or creates an empty database), starts a server on it, runs `body`, then shuts down
    /// and drops the database.
    static func with<T: Sendable>(
        seeded: Bool = true, _ configure: @Sendable (inout ReportServerConfiguration) -> Void = { _ in },
        _ body: (TestServer) async throws -> T
    ) async throws -> T {
        let database = try seeded ? IngestedSeeds.database() : TestDatabase.create()
        defer { database.drop() }
        let server = try await start(database, configure)
        do {
            let value = try await body(server)
            try await server.stop()
            return value
        } catch {
            try? await server.stop()
            throw error
        }
    }

    static func start(
        _ database: TestDatabase, _ configure: (inout ReportServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        var configuration = ReportServerConfiguration(
            socketPath: temporarySocketPath(), database: database.target(loggedInAs: "zhibiao_reporting"))
        configuration.freshnessPoll = .milliseconds(50)
        configure(&configuration)
        var logger = Logger(label: "test.report")
        logger.logLevel = .warning
        let server = ReportServer(configuration: configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
        let task = Task { try await group.run() }
        try await withDeadline(.seconds(20)) { try await server.waitUntilListening() }
        return TestServer(
            server: server, database: database, socket: configuration.socketPath, group: group,
            task: task)
    }

    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await withDeadline(.seconds(20)) { try await task.value }
    }

    /// One request on a fresh connection.
    func call(_ method: String, _ params: KeyValuePairs<String, JSONValue> = [:]) async throws -> RPCResponse {
        let pairs = params.map { ($0.key, $0.value) }
        return try await withDeadline(.seconds(20)) { [socket] in
            try await ReportClient.withConnection(socket: socket) { try await $0.call(method, pairs) }
        }
    }

    /// The result of a request that must succeed.
    func result(_ method: String, _ params: KeyValuePairs<String, JSONValue> = [:]) async throws -> JSONValue {
        let reply = try await call(method, params)
        guard let result = reply.result else { throw TestSupportError("\(method) failed: \(reply.error!)") }
        return result
    }

    /// Raw lines in, reply lines out, on one connection (nil where the server closed it).
    func exchange(_ lines: [String]) async throws -> [String?] {
        try await withDeadline(.seconds(20)) { [socket] in
            try await ReportClient.withConnection(socket: socket) { connection in
                for line in lines { try await connection.send(line) }
                var replies: [String?] = []
                for _ in lines { replies.append(try await connection.readLine()) }
                return replies
            }
        }
    }
}

/// `/tmp/zr-XXXXXXXX.sock`: Unix socket paths must stay under ~104 bytes.
func temporarySocketPath() -> String {
    "/tmp/zr-" + UUID().uuidString.prefix(8).lowercased() + ".sock"
}

struct DeadlineExceeded: Error, CustomStringConvertible {
    var description: String { "deadline exceeded" }
}

/// Runs `body`, failing if it takes longer than `limit` (so a broken server cannot hang the suite).
func withDeadline<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded()
        }
        let value = try await group.next()!
        group.cancelAll()
        return value
    }
}

/// Polls `condition` until it holds, at most `limit`.
func eventually(_ limit: Duration = .seconds(10), _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw DeadlineExceeded()
}

extension JSONValue {
    /// Rows of a paged result.
    var rows: [JSONValue] { self["rows"]?.arrayValue ?? [] }
}
