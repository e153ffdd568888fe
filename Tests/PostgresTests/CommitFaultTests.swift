import Foundation
import Testing
import ZhibiaoPostgres
import ZhibiaoTestSupport

@Suite("a connection that drops during COMMIT")
struct CommitFaultTests {
    /// Issue 13, item 1: the transaction fails, and the connection is usable again afterwards (it reconnects).
    /// Before the fix the nesting depth went to −1 and every later statement failed with "the connection broke
    /// inside a transaction".
    @Test func connectionLostAtCommitReconnectsForTheNextStatement() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (x int)")
        try CommitFault.install(on: "t", connection)
        let before = connection.backendPID

        let error = try #require(throws: PostgresError.self) {
            try connection.transaction { try $0.query("INSERT INTO t VALUES (1)") }
        }
        #expect(error.isConnectionProblem, "\(error)")
        #expect(try CommitFault.fired(connection))
        #expect(connection.backendPID != before)
        // The failed commit wrote nothing; a new transaction on the same connection commits.
        try connection.transaction { try $0.query("INSERT INTO t VALUES (2)") }
        #expect(try connection.query("SELECT array_agg(x)::text FROM t").first!.decode(String.self, at: 0) == "{2}")
    }

    /// A nested transaction (a savepoint) that fails leaves the outer one usable, and the depth balanced.
    @Test func failedSavepointKeepsTheOuterTransaction() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (x int PRIMARY KEY)")
        try connection.transaction { outer in
            try outer.query("INSERT INTO t VALUES (1)")
            #expect(throws: PostgresError.self) {
                try outer.transaction { try $0.query("INSERT INTO t VALUES (1)") }
            }
            try outer.query("INSERT INTO t VALUES (2)")
        }
        #expect(
            try connection.query("SELECT array_agg(x ORDER BY x)::text FROM t").first!.decode(String.self, at: 0)
                == "{1,2}")
    }
}
