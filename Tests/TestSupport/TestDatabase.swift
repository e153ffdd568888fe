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
        let name = uniqueName()
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

    /// Creates `zhibiao_test_<random>` as a copy of `template` (`CREATE DATABASE … TEMPLATE`: a file copy, fast),
    /// which nobody may be connected to meanwhile.
    ///
    /// The copy has the template's privileges on the database itself too: `CREATE DATABASE` copies the contents but
    /// not `pg_database.datacl`, which the migrations set as well (0007 revokes `TEMPORARY` from `PUBLIC`).
    public static func copy(of template: TestDatabase) throws -> TestDatabase {
        let admin = try clusterTarget()
        let name = uniqueName()
        let connection = try PostgresConnection(admin)
        try connection.execute("CREATE DATABASE \(name) TEMPLATE \(template.name)")
        try connection.execute(
            """
            DO $$
            DECLARE
                item record;
            BEGIN
                IF (SELECT datacl FROM pg_database WHERE datname = '\(template.name)') IS NULL THEN RETURN; END IF;
                REVOKE ALL ON DATABASE \(name) FROM PUBLIC;
                FOR item IN
                    SELECT a.privilege_type, a.grantee
                    FROM pg_database d CROSS JOIN aclexplode(d.datacl) a WHERE d.datname = '\(template.name)'
                LOOP
                    EXECUTE format('GRANT %s ON DATABASE \(name) TO %s', item.privilege_type,
                                   CASE item.grantee WHEN 0 THEN 'PUBLIC' ELSE item.grantee::regrole::text END);
                END LOOP;
            END $$
            """)
        return TestDatabase(target: admin.withDatabase(name), name: name, admin: admin)
    }

    /// `zhibiao_test_<random>`.
    private static func uniqueName() -> String {
        "zhibiao_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }

    /// Applies the migrations it lacks (after `create(through:)`: the upgrade under test).
    public func migrate() throws {
        try Migrator().migrate(try connect())
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
