import CLibPQ
import Foundation

/// A NOTIFY received on a LISTENing connection.
public struct PostgresNotification: Sendable, Equatable {
    public let channel: String
    public let payload: String
    /// The backend that sent it.
    public let senderPID: Int32
}

extension PostgresConnection {
    /// Starts listening on `channel`. Re-issue after a reconnect: LISTEN belongs to the server session.
    public func listen(_ channel: String) throws {
        try execute("LISTEN \(try quoteIdentifier(channel))")
    }

    /// Sends a notification through `pg_notify($1, $2)` (bound, never interpolated). Inside a transaction it is
    /// delivered at COMMIT, and not at all on ROLLBACK.
    public func notify(_ channel: String, payload: String = "") throws {
        try query("SELECT pg_notify($1, $2)", [channel, payload])
    }

    /// Waits up to `timeout` for notifications on the connection's socket (`poll`, no sleeping) and returns what
    /// arrived, possibly nothing. Throws `connectionLost` when the server went away, so the caller can reconnect
    /// and LISTEN again.
    public func waitForNotifications(timeout: Duration) throws -> [PostgresNotification] {
        try withHandle { handle in
            var received = try drainNotifications(handle)
            guard received.isEmpty else { return received }
            let socket = PQsocket(handle)
            guard socket >= 0 else { throw connectionError(sql: nil) }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(
                clamping: timeout.components.seconds * 1000
                    + timeout.components.attoseconds / 1_000_000_000_000_000)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { received = try drainNotifications(handle) }
            return received
        }
    }

    private func drainNotifications(_ handle: OpaquePointer) throws -> [PostgresNotification] {
        guard PQconsumeInput(handle) == 1 else { throw connectionError(sql: nil) }
        var received: [PostgresNotification] = []
        while let notify = PQnotifies(handle) {
            received.append(
                PostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: String(cString: notify.pointee.extra),
                    senderPID: notify.pointee.be_pid))
            PQfreemem(notify)
        }
        return received
    }
}
