import Foundation
import Testing
import ZhibiaoPostgres
import ZhibiaoSchema
import ZhibiaoTestSupport

@Suite("connection lifecycle and migrations")
struct ReconnectAndMigrationTests {
    @Test func queryAfterServerRestartReconnects() throws {
        let cluster = try TemporaryCluster()
        defer { cluster.destroy() }
        let connection = try PostgresConnection(cluster.target)
        let before = connection.backendPID
        try cluster.restart()
        // The first statement finds the old session gone; it fails clearly, and the next one reconnects.
        do {
            try connection.query("SELECT 1")
        } catch let error as PostgresError {
            #expect(error.isConnectionProblem)
        }
        let row = try #require(try connection.query("SELECT 2").first)
        #expect(try row.decode(Int.self, at: 0) == 2)
        #expect(connection.backendPID != before)
    }

    @Test func unreachableServerGivesOneClearLineWithoutPassword() throws {
        let target = ConnectionTarget("postgresql://analyst:s3cret-pass@/zhibiao?host=/nonexistent-zhibiao-socket")
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(target) }
        #expect(error.code == .connectionFailed)
        #expect(error.description.contains("/nonexistent-zhibiao-socket"))
        #expect(error.description.contains("user=analyst"))
        #expect(!error.description.contains("s3cret-pass"))
        #expect(!error.description.contains("\n"))
    }

    @Test func migrationsAppliedTwiceEqualOnce() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        let migrator = try Migrator()
        let first = try migrator.migrate(connection)
        #expect(first == migrator.migrations.map(\.version))
        #expect(first.first == 1)
        let second = try migrator.migrate(connection)
        #expect(second.isEmpty)
        let recorded = try connection.query("SELECT count(*) FROM zhibiao.schema_migrations").first!.decode(
            Int.self, at: 0)
        #expect(recorded == migrator.migrations.count)
    }

    @Test func concurrentMigrationsApplyEachOnce() async throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let connection = try database.connect()
                    return try await connection.run { try Migrator().migrate($0) }
                }
            }
            return try await group.reduce(into: [Int]()) { $0 += $1 }
        }
        #expect(applied.sorted() == (try Migrator()).migrations.map(\.version))
    }
}
