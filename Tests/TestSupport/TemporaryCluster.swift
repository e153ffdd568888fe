import Foundation
import ZhibiaoPostgres

/// A private PostgreSQL cluster of one test's own, for tests that stop or restart the server.
///
/// Made by `scripts/pg-cluster.sh`, as `make demo` makes the embedded one, in a fresh temporary folder.
public final class TemporaryCluster: Sendable {
    public let directory: String

    public init() throws {
        directory = NSTemporaryDirectory() + "zhibiao-cluster-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        try control("start")
    }

    /// The cluster's `zhibiao` database.
    public var target: ConnectionTarget {
        ConnectionTarget("host=\(directory)/sock dbname=zhibiao user=postgres")
    }

    public func stop() throws { try control("stop") }
    public func start() throws { try control("start") }
    public func restart() throws { try control("restart") }

    /// Stops the server and removes its folder.
    public func destroy() {
        try? control("stop")
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func control(_ command: String) throws {
        let status = try Subprocess.run(Repository.path("scripts/pg-cluster.sh"), [command, directory])
        guard status.exitCode == 0 else {
            throw TestSupportError("pg-cluster.sh \(command) failed (\(status.exitCode)): \(status.stderr)")
        }
    }
}
