import Foundation
import Testing
import ZhibiaoPostgres
import ZhibiaoTestSupport

/// Issue 13, item 9 (the pool's half): after a PostgreSQL restart, pooled sessions are dead although the database is
/// back; a caller must not get an error for that.
@Suite("the pool after its sessions died")
struct PoolRecoveryTests {
    @Test func everyPooledConnectionWorksAfterTheServerRestarted() async throws {
        let cluster = try TemporaryCluster()
        defer { cluster.destroy() }
        let pool = PostgresPool(target: cluster.target, maxConnections: 2)
        // Both sessions at once, so that both open and then wait in the pool.
        let sessions = try await both(pool) { $0.backendPID }
        #expect(sessions[0] != sessions[1])
        try cluster.restart()
        for _ in 0..<2 {
            #expect(try await both(pool) { try $0.query("SELECT 42").first!.decode(Int.self, at: 0) } == [42, 42])
        }
    }

    /// Runs `body` on two connections of `pool` at the same time: each waits inside until the other has arrived.
    private func both<T: Sendable>(
        _ pool: PostgresPool, _ body: @escaping @Sendable (PostgresConnection) throws -> T
    ) async throws -> [T] {
        let arrived = DispatchSemaphore(value: 0)
        let met = DispatchSemaphore(value: 0)
        async let first = pool.withConnection { connection in
            arrived.signal()
            met.wait()
            return try body(connection)
        }
        async let second = pool.withConnection { connection in
            arrived.wait()
            met.signal()
            return try body(connection)
        }
        return try await [first, second]
    }

    /// A session that breaks during the body (here the body's own statement ends its backend, once): the body runs
    /// again on a new session and its answer is returned.
    @Test func aBodyWhoseSessionBreaksRunsOnceMore() async throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        try database.connect().execute("CREATE SEQUENCE once")
        let pool = PostgresPool(target: database.target, maxConnections: 1)
        let answer = try await pool.withConnection { connection in
            try connection.query(
                "SELECT CASE WHEN nextval('once') = 1 THEN pg_terminate_backend(pg_backend_pid()) END, currval('once')"
            ).first!.decode(Int.self, at: 1)
        }
        #expect(answer == 2)
    }

    /// A server that is down is an error at once, not a retry.
    @Test func aServerThatIsDownIsStillAnError() async throws {
        let cluster = try TemporaryCluster()
        defer { cluster.destroy() }
        let pool = PostgresPool(target: cluster.target, maxConnections: 1)
        _ = try await pool.withConnection { try $0.query("SELECT 1") }
        try cluster.stop()
        let error = try await #require(throws: PostgresError.self) {
            try await pool.withConnection { try $0.query("SELECT 1") }
        }
        #expect(error.isConnectionProblem)
        try cluster.start()
        _ = try await pool.withConnection { try $0.query("SELECT 1") }
    }
}
