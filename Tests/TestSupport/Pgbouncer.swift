import Foundation
import ZhibiaoPostgres

/// A real pgbouncer (Debian's, 1.18) in transaction pooling mode in front of the test cluster, for one test: made by
/// `scripts/pgbouncer.sh`, as `make scale-check` makes its own, in a fresh temporary folder.
public final class Pgbouncer: Sendable {
    public let directory: String

    /// Starts pgbouncer with `serverSessions` server sessions per database and user.
    public init(serverSessions: Int) throws {
        guard let cluster = ProcessInfo.processInfo.environment["ZHIBIAO_TEST_CLUSTER_DIR"] else {
            throw TestSupportError("ZHIBIAO_TEST_CLUSTER_DIR is not set: run the suite with `make test`")
        }
        directory = NSTemporaryDirectory() + "zhibiao-bouncer-" + UUID().uuidString.prefix(8)
        let outcome = try Subprocess.run(
            Repository.path("scripts/pgbouncer.sh"), ["start", directory, cluster + "/sock", String(serverSessions)])
        guard outcome.exitCode == 0 else {
            throw TestSupportError("pgbouncer.sh start failed (\(outcome.exitCode)): \(outcome.stderr)")
        }
    }

    /// `database` through pgbouncer, logged in as `user`, with server-side prepared statements off as such a pooler
    /// needs (`preparedStatements` true only to show what breaks without).
    public func target(_ database: TestDatabase, user: String, preparedStatements: Bool = false) -> ConnectionTarget {
        var target = ConnectionTarget(
            "host=\(directory)/bouncer-sock port=6432 dbname=\(database.name) user=\(user)")
        target.preparedStatements = preparedStatements
        return target
    }

    /// Stops pgbouncer and removes its folder.
    public func stop() {
        _ = try? Subprocess.run(Repository.path("scripts/pgbouncer.sh"), ["stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }
}
