import Foundation

/// A bounded set of connections to one target, handed to one task at a time.
///
/// Connections open lazily up to `maxConnections`; a task that finds none free waits its turn (FIFO). A connection
/// that broke is reconnected by its next statement, so the pool never hands out a different target.
public actor PostgresPool {
    public let target: ConnectionTarget
    public let maxConnections: Int
    private let sessionSetup: String?
    private var idle: [PostgresConnection] = []
    private var opened = 0
    private var waiters: [CheckedContinuation<PostgresConnection, any Error>] = []

    public init(target: ConnectionTarget, maxConnections: Int, sessionSetup: String? = nil) {
        precondition(maxConnections > 0, "a pool needs at least one connection")
        self.target = target
        self.maxConnections = maxConnections
        self.sessionSetup = sessionSetup
    }

    /// Runs blocking database work with a connection of the pool, off the cooperative thread pool.
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await connection.run(body)
            release(connection)
            return value
        } catch {
            release(connection)
            throw error
        }
    }

    /// Closes idle connections (the busy ones close when their tasks return them after this).
    public func close() {
        opened -= idle.count
        idle.removeAll()
    }

    private func acquire() async throws -> PostgresConnection {
        if let connection = idle.popLast() { return connection }
        if opened < maxConnections {
            opened += 1
            do {
                return try await Self.connect(target, sessionSetup: sessionSetup)
            } catch {
                opened -= 1
                throw error
            }
        }
        return try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    private func release(_ connection: PostgresConnection) {
        if waiters.isEmpty {
            idle.append(connection)
        } else {
            waiters.removeFirst().resume(returning: connection)
        }
    }

    /// Connecting blocks on the network: do it on a dispatch thread, not on the actor's executor.
    private static func connect(_ target: ConnectionTarget, sessionSetup: String?) async throws -> PostgresConnection {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try PostgresConnection(target, sessionSetup: sessionSetup) })
            }
        }
    }
}
