import Foundation
import Testing
import ZhibiaoPostgres
import ZhibiaoTestSupport

/// Through a real pgbouncer in transaction pooling mode, sessions share server sessions: a statement prepared by one
/// client is found (or missing) on another's. With `preparedStatements` off nothing is prepared, and it works.
@Suite("Behind pgbouncer (transaction pooling)")
struct PoolerTests {
    @Test func preparedStatementsBreakAndTheSettingAvoidsThem() throws {
        let database = try TestDatabase.create()
        defer { database.drop() }
        let bouncer = try Pgbouncer(serverSessions: 1)
        defer { bouncer.stop() }

        // Two clients, one server session: the second client's first prepared statement takes the same name.
        let prepared = bouncer.target(database, user: "postgres", preparedStatements: true)
        let first = try PostgresConnection(prepared)
        let second = try PostgresConnection(prepared)
        #expect(try first.query(prepared: "SELECT 1").first?.decode(Int.self, at: 0) == 1)
        let error = #expect(throws: PostgresError.self) { try second.query(prepared: "SELECT 2") }
        #expect(error?.sqlState == "42P05", "prepared statement \"zhibiao_1\" already exists")

        let unnamed = bouncer.target(database, user: "postgres")
        let third = try PostgresConnection(unnamed)
        let fourth = try PostgresConnection(unnamed)
        for round in 1...3 {
            #expect(try third.query(prepared: "SELECT $1::int", [round]).first?.decode(Int.self, at: 0) == round)
            let next = try fourth.query(prepared: "SELECT $1::int + 1", [round]).first?.decode(Int.self, at: 0)
            #expect(next == round + 1)
            try third.transaction { connection in
                try connection.query(prepared: "SELECT pg_advisory_xact_lock(1)")
                _ = try connection.copyIn("COPY zhibiao.indicators (id, unit_class, flow, names) FROM STDIN",
                                      rows: [["pooled_\(round)", "count", "level", "{x}"]])
            }
        }
        #expect(try first.query("SELECT count(*) FROM zhibiao.indicators WHERE id LIKE 'pooled_%'").first?
            .decode(Int.self, at: 0) == 3)
    }
}
