import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle
import ZhibiaoPostgres
import ZhibiaoProtocol

/// The reporting daemon: line-delimited JSON requests on a Unix socket, answered from the `reporting` views.
///
/// A swift-service-lifecycle `Service`. On graceful shutdown (SIGTERM in a `ServiceGroup`) it stops accepting,
/// lets each connection finish the request it is working on, closes the connections and removes its socket file;
/// connections still open after `shutdownTimeout` are closed.
public final class ReportServer: Service, Sendable {
    public let configuration: ReportServerConfiguration
    private let logger: Logger
    private let group: any EventLoopGroup
    private let pool: PostgresPool
    let freshness: Freshness
    private let dispatcher: RequestDispatcher
    private let maintenance: MaintenanceConnection
    private let listening: EventLoopPromise<Void>
    private let limits: ConnectionLimits
    /// Numbers the connections, so that `connection-sequence` identifies a request in the logs.
    private let connectionNumbers = NIOLockedValueBox(0)

    public init(
        configuration: ReportServerConfiguration, logger: Logger = Logger(label: "zhibiao.report"),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.logger = logger
        self.group = eventLoopGroup
        self.pool = PostgresPool(
            target: configuration.database, maxConnections: configuration.poolSize,
            sessionSetup: configuration.querySessionSetup)
        let maintenance = MaintenanceConnection(
            target: configuration.database,
            sessionSetup: configuration.maintenanceSessionSetup)
        self.maintenance = maintenance
        self.freshness = Freshness(
            cache: ResultCache(maxEntries: configuration.cacheEntries, maxBytes: configuration.cacheBytes)
        ) {
            try await maintenance.stamp()
        }
        self.dispatcher = RequestDispatcher(
            queries: ReportQueries(pool: pool, rowCap: configuration.rowCap, maxOffset: configuration.maxOffset),
            freshness: freshness, configuration: configuration)
        self.listening = eventLoopGroup.any().makePromise(of: Void.self)
        self.limits = ConnectionLimits(
            maxConnections: configuration.maxConnections,
            maxPerUser: configuration.maxConnectionsPerUser)
    }

    /// Returns once the socket accepts connections; throws if the server failed to start.
    public func waitUntilListening() async throws {
        try await listening.futureResult.get()
    }

    /// Change notices the server has received (for tests that wait for a NOTIFY to arrive).
    public var changesSeen: Int {
        get async { await freshness.changesSeen }
    }

    /// Answers in the result cache and the bytes they take.
    public var cacheUsage: (entries: Int, bytes: Int) {
        get async { await freshness.cacheUsage }
    }

    public func run() async throws {
        do {
            try await serve()
        } catch {
            listening.fail(error)
            throw error
        }
    }

    private func serve() async throws {
        let path = configuration.socketPath
        try SocketFile.prepare(path)
        // Reading the generation proves the database and the role work before the socket appears.
        _ = try await freshness.current()

        let maxLineBytes = configuration.maxLineBytes
        let idleTimeout = TimeAmount(configuration.idleTimeout)
        let lineTimeout = TimeAmount(configuration.lineTimeout)
        let socketFile = try SocketFile.create(path, mode: configuration.socketMode)
        defer { SocketFile.remove(path, inode: socketFile.inode) }
        let server: NIOAsyncChannel<NIOAsyncChannel<LineFrame, ByteBuffer>, Never>
        do {
            server = try await ServerBootstrap(group: group)
                // A client that half-closes after its requests (`echo … | socat - UNIX-CONNECT:…`) still gets every
                // reply: end of input only ends the request loop, the connection closes after the last reply.
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .bind(socketFile.descriptor) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(LineFrameDecoder(maximumLineBytes: maxLineBytes)))
                        try channel.pipeline.syncOperations.addHandler(
                            RequestDeadlineHandler(idleTimeout: idleTimeout, lineTimeout: lineTimeout))
                        return try NIOAsyncChannel<LineFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            close(socketFile.descriptor)
            throw error
        }
        logger.info(
            "listening", metadata: ["socket": "\(path)", "mode": "\(String(configuration.socketMode, radix: 8))"])
        listening.succeed()

        let listener = NotificationListener(
            connect: { [maintenance] in try await maintenance.listenerConnection() },
            channel: configuration.notificationChannel, freshness: freshness, logger: logger,
            pollInterval: configuration.freshnessPoll)
        let drain = ConnectionRegistry()
        let shutdownTimeout = configuration.shutdownTimeout
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await listener.run() }
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.handle(connection, registry: drain) }
                    }
                }
                // Accepting has stopped; the connections finish, then the listener is cancelled with the group. One
                // still open at the deadline — a client that does not read its replies blocks the write — is closed.
                group.addTask { [logger] in
                    guard (try? await Task.sleep(for: shutdownTimeout)) != nil else { return }
                    let closed = drain.closeAll()
                    if closed > 0 {
                        logger.warning(
                            "shutdown deadline: closing connections still open",
                            metadata: [
                                "connections": "\(closed)", "timeout_s": "\(shutdownTimeout.components.seconds)",
                            ])
                    }
                }
                await drain.waitUntilEmpty()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.logger.info("shutting down: no new connections, finishing requests in flight")
            server.channel.close(promise: nil)
            drain.drainAll()
        }
        logger.info("stopped", metadata: ["socket": "\(path)"])
    }

    /// Serves one connection: requests in order, one reply line each, until the client leaves, idles out, sends an
    /// over-long line or a line too slowly, or the server drains.
    private func handle(_ connection: NIOAsyncChannel<LineFrame, ByteBuffer>, registry: ConnectionRegistry) async {
        let user = await ConnectionLimits.peerUser(of: connection.channel)
        let refusal = limits.admit(user: user)
        defer { if refusal == nil { limits.release(user: user) } }
        let number = connectionNumbers.withLockedValue { number in
            number += 1
            return number
        }
        var logger = self.logger
        logger[metadataKey: "connection"] = "\(number)"
        var sequence = 0
        let state = registry.add(connection.channel)
        defer { registry.remove(state) }
        do {
            try await connection.executeThenClose { inbound, outbound in
                if let refusal {
                    try await outbound.write(Self.line(RPCResponse(error: refusal).json.encoded()))
                    return
                }
                for try await frame in inbound {
                    guard state.begin() else { break }
                    let closing: RPCError
                    switch frame {
                    case .line(let bytes):
                        sequence += 1
                        var requestLogger = logger
                        requestLogger[metadataKey: "request_id"] = "\(number)-\(sequence)"
                        let reply = await dispatcher.reply(to: bytes.readableBytesView, logger: requestLogger)
                        try await outbound.write(Self.line(reply))
                        guard state.end() else { return }
                        continue
                    case .tooLong:
                        closing = RPCError(
                            code: .lineTooLong, message: "request line longer than \(configuration.maxLineBytes) bytes",
                            data: .object([("max_line_bytes", .int(configuration.maxLineBytes))]))
                    case .timedOut:
                        let seconds = Int(configuration.lineTimeout.components.seconds)
                        closing = RPCError(
                            code: .lineTimeout, message: "request line not complete within \(seconds) s",
                            data: .object([("line_timeout_seconds", .int(seconds))]))
                    }
                    try await outbound.write(Self.line(RPCResponse(error: closing).json.encoded()))
                    state.end()
                    return
                }
            }
        } catch {
            // A client that went away mid-request, or a broken socket: this connection ends, others go on.
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }

    private static func line(_ text: String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(text.utf8.count + 1)
        buffer.writeString(text)
        buffer.writeInteger(UInt8(ascii: "\n"))
        return buffer
    }
}
