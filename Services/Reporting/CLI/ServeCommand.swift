import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import ZhibiaoConfiguration
import ZhibiaoObservability
import ZhibiaoReporting

/// `zhibiao-report serve`: runs the reporting daemon until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Answer protocol requests on a Unix socket until SIGTERM/SIGINT.")

    @Option(help: "socket path [env: ZHIBIAO_SOCKET; default: $ZHIBIAO_HOME/report.sock]")
    var socket: String?
    @Option(help: "socket file mode, octal [env: ZHIBIAO_SOCKET_MODE; default: 0660]")
    var socketMode: String?
    @Option(help: "connections served at once [env: ZHIBIAO_MAX_CONNECTIONS; default: 256]")
    var maxConnections: String?
    @Option(
        help:
            "connections one user (uid) may hold [env: ZHIBIAO_MAX_CONNECTIONS_PER_UID; default: half of --max-connections]"
    )
    var maxConnectionsPerUid: String?
    @Option(help: "seconds without a request before a connection closes [env: ZHIBIAO_IDLE_TIMEOUT; default: 300]")
    var idleTimeout: String?
    @Option(help: "seconds a request line may take to arrive whole [env: ZHIBIAO_LINE_TIMEOUT; default: 10]")
    var lineTimeout: String?
    @Option(help: "seconds a graceful shutdown waits for open connections [env: ZHIBIAO_SHUTDOWN_TIMEOUT; default: 10]")
    var shutdownTimeout: String?
    @Option(help: "longest request line in bytes [env: ZHIBIAO_MAX_LINE_BYTES; default: 1048576]")
    var maxLineBytes: String?
    @Option(help: "most rows in one answer [env: ZHIBIAO_ROW_CAP; default: 1000]")
    var rowCap: String?
    @Option(help: "deepest offset of a list; cursor pages deeper [env: ZHIBIAO_MAX_OFFSET; default: 10000]")
    var maxOffset: String?
    @Option(help: "largest answer in bytes [env: ZHIBIAO_MAX_REPLY_BYTES; default: 16777216]")
    var maxReplyBytes: String?
    @Option(help: "statement timeout in ms [env: ZHIBIAO_STATEMENT_TIMEOUT_MS; default: 5000]")
    var statementTimeoutMs: String?
    @Option(help: "database sessions for queries [env: ZHIBIAO_POOL_SIZE; default: 4]")
    var poolSize: String?
    @Option(help: "answers kept in the result cache, 0 = off [env: ZHIBIAO_CACHE_ENTRIES; default: 4096]")
    var cacheEntries: String?
    @Option(help: "bytes the result cache may hold, 0 = off [env: ZHIBIAO_CACHE_BYTES; default: 67108864]")
    var cacheBytes: String?
    @Option(help: "ms between reads of the generation without a NOTIFY [env: ZHIBIAO_FRESHNESS_POLL_MS; default: 250]")
    var freshnessPollMs: String?

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let configuration = try await reportingErrors("zhibiao-report") {
            try logging.bootstrap(label: "zhibiao.report")
            let configuration = try resolve()
            try ReadOnlyLogin.verify(configuration.database)
            return configuration
        }
        ZhibiaoMetrics.bootstrap()
        let logger = Logger(label: "zhibiao.report")
        let server = ReportServer(configuration: configuration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: server, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            logger.error("reporting server failed", metadata: ["error": "\(error)"])
            throw ExitCode.failure
        }
    }

    func resolve() throws -> ReportServerConfiguration {
        var configuration = ReportServerConfiguration(
            socketPath: ZhibiaoPaths().reportSocket(flag: socket),
            database: try database.target(applicationName: "zhibiao-report", login: .reporting))
        configuration.socketMode = try Setting.value(
            socketMode, flag: "--socket-mode", variable: "ZHIBIAO_SOCKET_MODE", default: configuration.socketMode,
            expected: "octal permission bits such as 0660"
        ) { mode_t($0, radix: 8).flatMap { $0 <= 0o777 ? $0 : nil } }
        configuration.maxConnections = try Setting.integer(
            maxConnections, flag: "--max-connections", variable: "ZHIBIAO_MAX_CONNECTIONS", default: 256, minimum: 1)
        configuration.maxConnectionsPerUser = try Setting.integer(
            maxConnectionsPerUid, flag: "--max-connections-per-uid", variable: "ZHIBIAO_MAX_CONNECTIONS_PER_UID",
            default: (configuration.maxConnections + 1) / 2, minimum: 1)
        configuration.idleTimeout = .seconds(
            try Setting.integer(
                idleTimeout, flag: "--idle-timeout", variable: "ZHIBIAO_IDLE_TIMEOUT", default: 300, minimum: 1))
        configuration.lineTimeout = .seconds(
            try Setting.integer(
                lineTimeout, flag: "--line-timeout", variable: "ZHIBIAO_LINE_TIMEOUT", default: 10, minimum: 1))
        configuration.shutdownTimeout = .seconds(
            try Setting.integer(
                shutdownTimeout, flag: "--shutdown-timeout", variable: "ZHIBIAO_SHUTDOWN_TIMEOUT", default: 10,
                minimum: 0))
        configuration.maxLineBytes = try Setting.integer(
            maxLineBytes, flag: "--max-line-bytes", variable: "ZHIBIAO_MAX_LINE_BYTES", default: 1 << 20, minimum: 256)
        configuration.rowCap = try Setting.integer(
            rowCap, flag: "--row-cap", variable: "ZHIBIAO_ROW_CAP", default: 1000, minimum: 1)
        configuration.maxOffset = try Setting.integer(
            maxOffset, flag: "--max-offset", variable: "ZHIBIAO_MAX_OFFSET", default: 10_000, minimum: 0)
        configuration.maxReplyBytes = try Setting.integer(
            maxReplyBytes, flag: "--max-reply-bytes", variable: "ZHIBIAO_MAX_REPLY_BYTES", default: 16 << 20,
            minimum: 1024)
        configuration.statementTimeoutMilliseconds = try Setting.integer(
            statementTimeoutMs, flag: "--statement-timeout-ms", variable: "ZHIBIAO_STATEMENT_TIMEOUT_MS",
            default: 5000, minimum: 1)
        configuration.poolSize = try Setting.integer(
            poolSize, flag: "--pool-size", variable: "ZHIBIAO_POOL_SIZE", default: 4, minimum: 1)
        configuration.cacheEntries = try Setting.integer(
            cacheEntries, flag: "--cache-entries", variable: "ZHIBIAO_CACHE_ENTRIES", default: 4096, minimum: 0)
        configuration.cacheBytes = try Setting.integer(
            cacheBytes, flag: "--cache-bytes", variable: "ZHIBIAO_CACHE_BYTES", default: 64 << 20, minimum: 0)
        configuration.freshnessPoll = .milliseconds(
            try Setting.integer(
                freshnessPollMs, flag: "--freshness-poll-ms", variable: "ZHIBIAO_FRESHNESS_POLL_MS",
                default: 250, minimum: 10))
        return configuration
    }
}
