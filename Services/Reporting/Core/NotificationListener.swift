import Foundation
import Logging
import ZhibiaoPostgres

/// Listens for ingest's NOTIFY on a dedicated connection and tells `Freshness` about every change.
///
/// LISTEN belongs to the server session: after any connection failure it is issued again, and that counts as a
/// change too (notifications sent while nobody listened are lost, so the cache cannot be trusted).
struct NotificationListener: Sendable {
    let connect: @Sendable () async throws -> PostgresConnection
    let channel: String
    let freshness: Freshness
    let logger: Logger
    /// How long one wait blocks; bounds how long cancellation takes to be noticed.
    var pollInterval: Duration = .milliseconds(250)

    func run() async {
        var connection: PostgresConnection?
        var listening = false
        var backoff: Duration = .milliseconds(100)
        while !Task.isCancelled {
            do {
                if connection == nil { connection = try await connect() }
                guard let connection else { continue }
                if !listening {
                    let channel = self.channel
                    try await connection.run { try $0.listen(channel) }
                    listening = true
                    logger.debug("listening for changes", metadata: ["channel": "\(channel)"])
                    await freshness.changed()
                }
                let interval = pollInterval
                let notifications = try await connection.run { try $0.waitForNotifications(timeout: interval) }
                if !notifications.isEmpty {
                    logger.debug("change notified", metadata: ["count": "\(notifications.count)"])
                    await freshness.changed()
                }
                backoff = .milliseconds(100)
            } catch {
                listening = false
                if let failure = error as? PostgresError, !failure.isConnectionProblem { connection = nil }
                logger.warning("listening for changes failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(5))
            }
        }
    }
}
