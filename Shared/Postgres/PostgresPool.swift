import Foundation

/// A bounded set of connections to one target, handed to one task at a time.
///
/// Connections open lazily up to `maxConnections`; a task that finds none free waits its turn (FIFO). A connection
/// that broke is reconnected by its next statement, so the pool never hands out a different target.
///
/// After a server restart every idle connection holds a dead session. Each is checked as it is handed out (no round
/// trip: see `PostgresConnection.noticeIfClosedWhileIdle`), and a body whose session still breaks under it runs once
/// more on a new one, so that a database that is back never costs a caller an error.
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
    ///
    /// When the session breaks under `body` (not when connecting fails: the server is down, and trying again now
    /// would fail the same), `body` runs once more on a new session. It must be safe to repeat: reads, or work whose
    /// transaction the break rolled back (a break during COMMIT leaves its outcome unknown).
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> T {
        let connection = try await acquire()
        defer { release(connection) }
        connection.noticeIfClosedWhileIdle()
        do {
            return try await connection.run(body)
        } catch let error as PostgresError where error.isConnectionProblem && error.code != .connectionFailed {
            return try await connection.run(body)
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
                return try await PostgresConnection.connect(target, sessionSetup: sessionSetup)
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

}
