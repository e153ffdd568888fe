import Foundation
import Testing
import ZhibiaoPostgres
import ZhibiaoTestSupport

@Suite("libpq wrapper against a real server")
struct PostgresConnectionTests {
    @Test func bindsAndReadsChineseText() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        let text = "峡窝镇工业产值完成42.5亿元，同比增长7.07%"
        let row = try #require(try connection.query("SELECT $1::text AS t, length($1::text) AS n", [text]).first)
        #expect(try row.decode(String.self, column: "t") == text)
        #expect(try row.decode(Int.self, column: "n") == text.count)
    }

    @Test func numericIsExact() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE n (v numeric)")
        try connection.query("INSERT INTO n VALUES ($1), ($2)", [Decimal(string: "0.1")!, Decimal(string: "0.2")!])
        let sum = try #require(try connection.query("SELECT sum(v) FROM n").first).decode(Decimal.self, at: 0)
        #expect(sum == Decimal(string: "0.3")!)
        let big = Decimal(string: "28996000000.01")!
        let echoed = try #require(try connection.query("SELECT $1::numeric", [big]).first).decode(Decimal.self, at: 0)
        #expect(echoed == big)
    }

    /// The fast plain-text form agrees with `description` and with what NUMERIC stores, on awkward values too.
    @Test func decimalTextIsPlainAndExact() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        let texts = [
            "0", "-0.005", "3.10", "12000000", "1e-7", "-1e3", "99.990", "9223372036854775807", "9223372036854775808.5",
            "123456789012345678901234567890", "28996000000.01", "18446744073709551615", "18446744073709551616",
            "-0.000", "0.0001",
        ]
        for text in texts {
            let value = Decimal(string: text)!
            #expect(value.postgresNumericText == value.description, "\(text)")
            let stored = try connection.query("SELECT $1::numeric", [value]).first!.decode(Decimal.self, at: 0)
            #expect(stored == value, "\(text)")
        }
    }

    /// Array parameters carry quotes, backslashes, commas, braces, NULL and the word "NULL" through `unnest`.
    @Test func arrayParametersRoundTripThroughUnnest() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        let values: [String?] = ["a\"b", "c\\d", "e,f", "{g}", nil, "NULL", "", "区 镇\n街道"]
        let rows = try connection.query(
            "SELECT v, v IS NULL FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n", [PostgresArray(values)]
        )
        #expect(try rows.map { try $0.decode(String?.self, at: 0) } == values)
        #expect(try rows.map { try $0.decode(Bool.self, at: 1) } == values.map { $0 == nil })
    }

    /// A prepared statement runs by name from its second use, and is prepared again in the new session after the
    /// server restarted.
    @Test func preparedStatementsSurviveAReconnect() throws {
        let cluster = try TemporaryCluster()
        defer { cluster.destroy() }
        let connection = try PostgresConnection(cluster.target)
        let sql = "SELECT $1::int + 1"
        #expect(try connection.query(prepared: sql, [1]).first!.decode(Int.self, at: 0) == 2)
        #expect(try connection.query(prepared: sql, [2]).first!.decode(Int.self, at: 0) == 3)
        let prepared = try connection.query("SELECT count(*) FROM pg_prepared_statements").first!.decode(
            Int.self, at: 0)
        #expect(prepared == 1)
        try cluster.restart()
        _ = try? connection.query("SELECT 1")  // finds the old session gone
        #expect(try connection.query(prepared: sql, [3]).first!.decode(Int.self, at: 0) == 4)
    }

    @Test func nullsDecodeAsOptionalsAndFailOtherwise() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        let row = try #require(try connection.query("SELECT $1::int AS a, NULL::text AS b", [Int?.none]).first)
        #expect(try row.decode(Int?.self, column: "a") == nil)
        #expect(try row.decode(String?.self, column: "b") == nil)
        #expect(throws: PostgresError.self) { try row.decode(String.self, column: "b") }
    }

    @Test func typedDecoding() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        let bytes = Data([0, 1, 2, 254, 255])
        let row = try #require(
            try connection.query(
                "SELECT true, 42::bigint, DATE '2024-03-19', $1::bytea, TIMESTAMPTZ '2024-03-19 10:00:00.25+08'",
                [bytes]
            ).first)
        #expect(try row.decode(Bool.self, at: 0))
        #expect(try row.decode(Int64.self, at: 1) == 42)
        let date = try row.decode(Date.self, at: 2)
        #expect(date == ISO8601DateFormatter().date(from: "2024-03-19T00:00:00Z"))
        #expect(try row.decode(Data.self, at: 3) == bytes)
        let timestamp = try row.decode(Date.self, at: 4)
        #expect(
            abs(timestamp.timeIntervalSince(ISO8601DateFormatter().date(from: "2024-03-19T02:00:00Z")!) - 0.25) < 1e-6)
    }

    @Test func uniqueViolationCarriesSQLState() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE u (k text PRIMARY KEY)")
        try connection.query("INSERT INTO u VALUES ($1)", ["上街区"])
        let error = try #require(throws: PostgresError.self) {
            try connection.query("INSERT INTO u VALUES ($1)", ["上街区"])
        }
        #expect(error.sqlState == "23505")
        #expect(error.isUniqueViolation)
        #expect(error.code == .server)
        #expect(!error.description.contains("INSERT"), "SQL stays out of the user-facing description")
    }

    @Test func transactionRollsBackOnThrow() throws {
        struct Boom: Error {}
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE t (v int)")
        #expect(throws: Boom.self) {
            try connection.transaction { connection in
                try connection.query("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        try connection.transaction { connection in
            try connection.query("INSERT INTO t VALUES (2)")
            _ = try? connection.transaction { connection in  // a failing nested block rolls back to its savepoint
                try connection.query("INSERT INTO t VALUES (3)")
                throw Boom()
            }
        }
        let values = try connection.query("SELECT v FROM t ORDER BY v").map { try $0.decode(Int.self, at: 0) }
        #expect(values == [2])
    }

    @Test func copiesOneHundredThousandRows() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE c (id int, label text, value numeric)")
        let rows = (0..<100_000).lazy.map { i -> [String?] in
            [String(i), i % 10 == 0 ? nil : "标签\t\(i)\n\\", "\(i).5"]
        }
        let stored = try connection.copyIn("COPY c (id, label, value) FROM STDIN", rows: rows)
        #expect(stored == 100_000)
        let row = try #require(
            try connection.query(
                "SELECT count(*), count(label), sum(value), max(label) FILTER (WHERE id = 1) FROM c"
            ).first)
        #expect(try row.decode(Int.self, at: 0) == 100_000)
        #expect(try row.decode(Int.self, at: 1) == 90_000)
        #expect(try row.decode(Decimal.self, at: 2) == Decimal(string: "4999950000")! + Decimal(50_000))
        #expect(try row.decode(String.self, at: 3) == "标签\t1\n\\")
    }

    /// Integers and decimals written as digits, NULLs of each kind, and a row whose write throws: the COPY is ended
    /// with that error, nothing is stored, the error is the caller's, and the connection goes on.
    @Test func copyRowWriterFieldsAndAThrowingWrite() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE c (a int, b bigint, v numeric, t text)")
        let decimals = ["-0.005", "12000000", "-1e3", "18446744073709551616"].map { Decimal(string: $0)! }
        let stored = try connection.copyIn("COPY c (a, b, v, t) FROM STDIN") { writer in
            for (index, decimal) in decimals.enumerated() {
                writer.field(index == 0 ? -2_147_483_647 : -index)
                writer.field(index == 0 ? Int64.max : nil)
                writer.field(decimal)
                writer.field(index == 1 ? nil : "\\N")
                try writer.endRow()
            }
            writer.field(nil as Int?)
            writer.field(0 as Int64?)
            writer.field(nil as Decimal?)
            writer.field(nil as String?)
            try writer.endRow()
        }
        #expect(stored == decimals.count + 1)
        let rows = try connection.query("SELECT a::text, b::text, v::text, t FROM c ORDER BY c.a NULLS LAST").map {
            [
                try $0.decode(String?.self, at: 0), try $0.decode(String?.self, at: 1),
                try $0.decode(String?.self, at: 2),
                try $0.decode(String?.self, at: 3),
            ]
        }
        #expect(rows.count == 5)
        #expect(rows.first == ["-2147483647", "9223372036854775807", "-0.005", "\\N"])
        #expect(rows.map { $0[2] } == ["-0.005", "18446744073709551616", "-1000", "12000000", nil])
        #expect(rows.last == [nil, "0", nil, nil])

        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try connection.copyIn("COPY c (a) FROM STDIN") { writer in
                writer.field(1 as Int?)
                try writer.endRow()
                throw Stop()
            }
        }
        #expect(try connection.query("SELECT count(*) FROM c").first!.decode(Int.self, at: 0) == 5)
    }

    @Test func copyReportsServerErrors() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let connection = try database.connect()
        try connection.execute("CREATE TABLE c (id int)")
        let error = try #require(throws: PostgresError.self) {
            try connection.copyIn("COPY c (id) FROM STDIN", rows: [["1"], ["not a number"]])
        }
        #expect(error.sqlState == "22P02")
        #expect(try connection.query("SELECT count(*) FROM c").first!.decode(Int.self, at: 0) == 0)
    }

    @Test func listenNotifyRoundTrip() throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let listener = try database.connect()
        let sender = try database.connect()
        try listener.listen("zhibiao_facts")
        #expect(try listener.waitForNotifications(timeout: .milliseconds(50)).isEmpty)
        try sender.transaction { try $0.notify("zhibiao_facts", payload: "文档 42") }
        let received = try listener.waitForNotifications(timeout: .seconds(5))
        #expect(received.map(\.payload) == ["文档 42"])
        #expect(received.first?.senderPID == sender.backendPID)
    }

    @Test func notificationsInRolledBackTransactionsAreNotDelivered() throws {
        struct Boom: Error {}
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let listener = try database.connect()
        let sender = try database.connect()
        try listener.listen("c")
        _ = try? sender.transaction { connection in
            try connection.notify("c", payload: "lost")
            throw Boom()
        }
        #expect(try listener.waitForNotifications(timeout: .milliseconds(200)).isEmpty)
    }

    @Test func poolRunsConcurrentTasks() async throws {
        let database = try TestDatabase.create(migrated: false)
        defer { database.drop() }
        let pool = PostgresPool(target: database.target, maxConnections: 3)
        let pids = try await withThrowingTaskGroup(of: Int32.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    try await pool.withConnection { connection in
                        try connection.query("SELECT pg_sleep(0.05)")
                        return connection.backendPID
                    }
                }
            }
            return try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
        }
        #expect(pids.count <= 3)
        await pool.close()
    }
}
