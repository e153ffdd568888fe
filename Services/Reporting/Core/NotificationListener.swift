import Foundation
import Logging
import ZhibiaoPostgres

/// Tells `Freshness` when the facts may have changed: through ingest's NOTIFY on a dedicated connection when the
/// server is a primary, and by reading the generation every `pollInterval` that passes without one — the only way on
/// a hot standby (`pg_is_in_recovery()`), which refuses LISTEN, and a safety net behind a transaction pooler, where a
/// LISTEN holds no server session.
///
/// LISTEN belongs to the server session: after any connection failure it is issued again, and the generation is read
/// then (notifications sent while nobody listened are lost; the cache goes only if the generation moved).
struct NotificationListener: Sendable {
    let connect: @Sendable () async throws -> PostgresConnection
    let channel: String
    let freshness: Freshness
    let logger: Logger
    /// How often the generation is read when no NOTIFY came.
    var pollInterval: Duration
    /// How long one wait for a NOTIFY blocks: bounds how long cancellation takes to be noticed.
    private static let waitSlice: Duration = .milliseconds(250)

    func run() async {
        var connection: PostgresConnection?
        var listening: Bool?  // nil until set up on this connection; false on a standby
        var backoff = Backoff()
        var lastRead = ContinuousClock.now
        while !Task.isCancelled {
            do {
                if connection == nil { connection = try await connect() }
                guard let connection else { continue }
                if listening == nil {
                    let channel = self.channel
                    let standby = try await connection.run { connection in
                        let standby = try connection.query("SELECT pg_is_in_recovery()").first!.decode(Bool.self, at: 0)
                        if !standby { try connection.listen(channel) }
                        return standby
                    }
                    listening = !standby
                    logger.debug(
                        standby ? "hot standby: polling for changes" : "listening for changes",
                        metadata: ["channel": "\(channel)"])
                    try await freshness.check()
                    lastRead = .now
                }
                if listening == true {
                    let slice = min(pollInterval, Self.waitSlice)
                    let notifications = try await connection.run { try $0.waitForNotifications(timeout: slice) }
                    if !notifications.isEmpty {
                        logger.debug("change notified", metadata: ["count": "\(notifications.count)"])
                        await freshness.changed()
                        lastRead = .now  // the next request reads the generation
                    }
                } else {
                    try await Task.sleep(until: lastRead + pollInterval)
                }
                if ContinuousClock.now - lastRead >= pollInterval {
                    try await freshness.check()
                    lastRead = .now
                }
                backoff.succeeded()
            } catch {
                if Task.isCancelled { break }
                listening = nil
                if let failure = error as? PostgresError, !failure.isConnectionProblem { connection = nil }
                let delay = backoff.failed()
                if backoff.shouldLog {
                    logger.warning(
                        "watching for changes failed; retrying",
                        metadata: ["error": "\(error)", "failures": "\(backoff.failures)"])
                }
                try? await Task.sleep(for: delay)
            }
        }
    }
}
