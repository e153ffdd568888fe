import Foundation
import ZhibiaoPostgres

/// The server's two dedicated sessions besides the query pool: one LISTENs for ingest's NOTIFY (on a primary), one
/// reads the generation of the facts (`reporting.freshness`), after a NOTIFY or on a poll. Neither needs to write.
final class MaintenanceConnection: Sendable {
    let target: ConnectionTarget
    let sessionSetup: String
    private let reader: PostgresPool

    init(target: ConnectionTarget, sessionSetup: String) {
        self.target = target
        self.sessionSetup = sessionSetup
        self.reader = PostgresPool(target: target, maxConnections: 1, sessionSetup: sessionSetup)
    }

    /// The generation of the facts this session sees, and when it was written (ISO 8601, UTC).
    func stamp() async throws -> Freshness.Stamp {
        try await reader.withConnection { connection in
            let row = try connection.query(
                """
                SELECT generation, to_char(as_of AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                FROM reporting.freshness
                """
            ).first!
            return Freshness.Stamp(
                generation: try row.decode(Int64.self, at: 0), asOf: try row.decode(String.self, at: 1))
        }
    }

    /// A new connection for the listener (connecting blocks, so it happens off the cooperative pool).
    func listenerConnection() async throws -> PostgresConnection {
        try await PostgresConnection.connect(target, sessionSetup: sessionSetup)
    }
}
