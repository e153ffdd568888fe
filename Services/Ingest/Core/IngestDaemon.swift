import Foundation
import Logging
import ServiceLifecycle
import ZhibiaoPostgres
import ZhibiaoSchema

/// `zhibiao-ingest serve`: the queue consumer, as a swift-service-lifecycle `Service`.
///
/// - Its heartbeat row (`zhibiao.ingest_daemons`) says it runs, since when and what it did, for `status`.
/// - One dedicated connection LISTENs on `zhibiao_ingest` (waiting on the socket) and wakes the workers; each worker
///   also polls every `pollInterval`, because NOTIFY is only a wake-up (lost when nobody listens, dropped by PgBouncer
///   in transaction mode). LISTEN is re-issued after every reconnect.
/// - `workers` tasks, each with its own connection, claim and complete messages, in batches (`MessageProcessor`).
///   Any number of daemons may run against one database: `FOR UPDATE SKIP LOCKED` keeps them apart.
/// - Graceful shutdown (SIGTERM/SIGINT): workers stop claiming, finish the messages in hand, and `run()` returns.
/// - A lost database: every loop reconnects with backoff; a message in hand rolls back and is taken over after the
///   claim grace, so nothing is lost.
public struct IngestDaemon: Service {
    public let target: ConnectionTarget
    public let processor: MessageProcessor
    public var settings: IngestSettings { processor.settings }
    let logger: Logger

    public init(target: ConnectionTarget, parser: any DocumentParser, settings: IngestSettings, logger: Logger) {
        self.target = target
        self.processor = MessageProcessor(parser: parser, settings: settings, logger: logger)
        self.logger = logger
    }

    public func run() async throws {
        // Connect and migrate before serving: an unreachable database is a start-up error, not a retry loop.
        let connections = try await Self.connectAll(target, count: settings.workers + 1)
        let indicators = processor.parser.indicators
        _ = try await connections[0].run { try SchemaSetup.prepare($0, indicators: indicators) }
        // Registered before the first claim, so that `status` lists this daemon as soon as it works.
        let heartbeat = Heartbeat(name: settings.workerName, workers: settings.workers, logger: logger)
        try await connections[0].run {
            try Heartbeat.removeGone(on: $0)
            try heartbeat.beat(on: $0)
        }
        let wakeUp = WakeUp()
        logger.info(
            "ingest daemon started",
            metadata: [
                "workers": "\(settings.workers)", "database": "\(target)", "once": "\(settings.once)",
                "watch": "\(settings.watchDirectory ?? "-")", "parser": "\(processor.parser.version)",
            ])
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                // `--once` drains what is ready and stops: nothing new to be woken for.
                let listening = settings.once ? nil : Task { await listen(on: connections[0], wakeUp: wakeUp) }
                let beating = Task { await heartbeat.run(on: connections[0]) }
                if let directory = settings.watchDirectory, !settings.once {
                    group.addTask {
                        let watcher = DirectoryWatcher(directory: directory, settings: settings, logger: logger)
                        await watcher.run(on: connections[0].target, wakeUp: wakeUp)
                    }
                }
                group.addTask {
                    await withDiscardingTaskGroup { workers in
                        for number in 1...settings.workers {
                            workers.addTask {
                                await work(
                                    number: number, on: connections[number], wakeUp: wakeUp,
                                    heartbeat: heartbeat)
                            }
                        }
                    }
                    listening?.cancel()
                    beating.cancel()
                    wakeUp.signal()
                }
                await listening?.value
                await beating.value
            }
        } onGracefulShutdown: {
            logger.info("shutting down: finishing the messages in hand")
            wakeUp.signal()
        }
        logger.info("ingest daemon stopped")
    }

    static func connectAll(_ target: ConnectionTarget, count: Int) async throws -> [PostgresConnection] {
        try await withThrowingTaskGroup(of: PostgresConnection.self) { group in
            for _ in 0..<count {
                group.addTask { try await PostgresConnection.connect(target) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    static var stopping: Bool { Task.isShuttingDownGracefully || Task.isCancelled }

    // MARK: Workers

    func work(number: Int, on connection: PostgresConnection, wakeUp: WakeUp, heartbeat: Heartbeat) async {
        let name = "\(settings.workerName)/\(number)"
        var backoff = Backoff()
        while !Self.stopping {
            do {
                let outcomes = try await connection.run { [processor] in
                    try processor.processNext(worker: name, on: $0)
                }
                if backoff.succeeded() { logger.info("database reachable again", metadata: ["worker": "\(name)"]) }
                if !outcomes.isEmpty {
                    // The heartbeat row counts what was just done: `status` sees it now, not at the next beat.
                    try await connection.run { try heartbeat.beat(on: $0) }
                    continue
                }
                if settings.once {
                    // Drained, unless a message is running unlocked: a dead worker's (within the grace) or another
                    // worker's in the instant between its claim and its lock. Wait for those to settle.
                    let unsettled = try await connection.run { try IngestQueue.hasUnlockedRunning(on: $0) }
                    if !unsettled { return }
                }
                await wakeUp.wait(upTo: settings.pollInterval)
            } catch {
                await backOff(after: error, &backoff, task: name)
            }
        }
    }

    /// Waits out a failure as `Backoff` says, logging the failures it says to log.
    func backOff(after error: any Error, _ backoff: inout Backoff, task: String) async {
        let delay = backoff.failed()
        if backoff.shouldLog {
            logger.error(
                "database error; retrying",
                metadata: ["task": "\(task)", "error": "\(error)", "failures": "\(backoff.failures)"])
        }
        try? await Task.sleep(for: delay)
    }

    // MARK: Listener

    func listen(on connection: PostgresConnection, wakeUp: WakeUp) async {
        var backoff = Backoff()
        var listening = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if !listening {
                    try await connection.run { try $0.listen(IngestQueue.channel) }
                    listening = true
                    if backoff.succeeded() { logger.info("listening again after reconnect") }
                    wakeUp.signal()  // anything enqueued while we were away
                }
                // The wait is also how long a cancelled listener takes to return at shutdown.
                let timeout = min(settings.pollInterval, .seconds(1))
                let received = try await connection.run { try $0.waitForNotifications(timeout: timeout) }
                if !received.isEmpty { wakeUp.signal() }
            } catch {
                listening = false  // LISTEN belongs to the old session: issue it again on the new one
                await backOff(after: error, &backoff, task: "listener")
            }
        }
    }
}

extension IngestDaemon: CustomStringConvertible {
    /// How ServiceLifecycle names the service when it starts and stops it. Without it Swift describes the value by
    /// reflection, the parser's gazetteer and lexicons included: 1.8 s of CPU at each start and again at each stop,
    /// most of what a `serve --once` of 2,000 reports took beyond their parsing and writing (issue 17).
    public var description: String { "IngestDaemon(workers: \(settings.workers), database: \(target))" }
}
