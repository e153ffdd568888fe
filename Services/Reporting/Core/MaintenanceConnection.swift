import Foundation
import ZhibiaoPostgres

/// The server's two dedicated sessions besides the query pool: one LISTENs for ingest's NOTIFY, one refreshes the
/// consolidated view through `reporting.refresh_consolidated()` (the only thing the reporting role may execute).
/// Neither is read-only (REFRESH needs a read-write transaction); the role's privileges still forbid any write.
final class MaintenanceConnection: Sendable {
    let target: ConnectionTarget
    let sessionSetup: String
    private let refresher: PostgresPool

    init(target: ConnectionTarget, sessionSetup: String) {
        self.target = target
        self.sessionSetup = sessionSetup
        self.refresher = PostgresPool(target: target, maxConnections: 1, sessionSetup: sessionSetup)
    }

    /// Refreshes the consolidated view; returns its new `as_of` (ISO 8601, UTC).
    func refresh() async throws -> String {
        try await refresher.withConnection { connection in
            try connection.query("""
                SELECT to_char(reporting.refresh_consolidated() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                """).first!.decode(String.self, at: 0)
        }
    }

    /// A new connection for the listener (connecting blocks, so it happens off the cooperative pool).
    func listenerConnection() async throws -> PostgresConnection {
        try await PostgresConnection.connect(target, sessionSetup: sessionSetup)
    }
}
