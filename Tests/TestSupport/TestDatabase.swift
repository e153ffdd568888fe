import Foundation
import ZhibiaoPostgres
import ZhibiaoSchema

/// A fresh, migrated database on the test cluster for one test, dropped by `drop()`.
///
/// The cluster comes from `ZHIBIAO_TEST_DATABASE_URL`, which `scripts/with-test-cluster.sh` (run by `make test`) sets.
/// Each test gets its own database, so tests run in parallel without seeing each other's rows.
public struct TestDatabase: Sendable {
    /// The test database as a libpq target.
    public let target: ConnectionTarget
    public let name: String
    private let admin: ConnectionTarget

    /// Creates `zhibiao_test_<random>` and, unless `migrated` is false, applies the migrations to it (up to
    /// `version`: a test of an upgrade starts from an older schema).
    public static func create(migrated: Bool = true, through version: Int = .max) throws -> TestDatabase {
        let admin = try clusterTarget()
        let name = "zhibiao_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let connection = try PostgresConnection(admin)
        try connection.execute("CREATE DATABASE \(name)")
        let database = TestDatabase(target: admin.withDatabase(name), name: name, admin: admin)
        if migrated {
            try Migrator().migrate(try database.connect(), through: version)
        }
        return database
    }

    /// The test database as another login, such as a service's (`zhibiao_reporting`): the cluster trusts its socket.
    public func target(loggedInAs user: String) -> ConnectionTarget {
        target.setting("user", to: user)
    }

    /// Opens a new connection to the test database.
    public func connect(sessionSetup: String? = nil) throws -> PostgresConnection {
        try PostgresConnection(target, sessionSetup: sessionSetup)
    }

    /// Drops the database (terminating connections that are still open).
    public func drop() {
        guard let connection = try? PostgresConnection(admin) else { return }
        _ = try? connection.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// The cluster's administrative target from `ZHIBIAO_TEST_DATABASE_URL`.
    public static func clusterTarget() throws -> ConnectionTarget {
        guard let url = ProcessInfo.processInfo.environment["ZHIBIAO_TEST_DATABASE_URL"], !url.isEmpty else {
            throw TestSupportError("ZHIBIAO_TEST_DATABASE_URL is not set: run the suite with `make test`")
        }
        return ConnectionTarget(url)
    }
}

/// A failure of the test harness itself (not of the code under test).
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
