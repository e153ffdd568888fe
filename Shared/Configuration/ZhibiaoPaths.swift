import Foundation
import ZhibiaoPostgres

/// Where Zhibiao keeps its local state and how it finds its database and socket when nothing is configured.
///
/// The embedded default: a private PostgreSQL cluster under `$ZHIBIAO_HOME/pg` (default `./.zhibiao`), listening
/// only on a Unix socket in `$ZHIBIAO_HOME/sock`, superuser `postgres`, database `zhibiao`. `scripts/pg-cluster.sh`
/// creates and starts it; `make demo` writes `$ZHIBIAO_HOME/env` with the matching `export` lines.
public struct ZhibiaoPaths: Sendable {
    /// The state folder (`ZHIBIAO_HOME`, else `.zhibiao` in the working directory), as an absolute path.
    public let home: String

    public init(environment: [String: String] = Setting.environment) {
        let configured = environment["ZHIBIAO_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ".zhibiao"
        self.home = URL(fileURLWithPath: configured).standardizedFileURL.path
    }

    /// The folder holding the embedded cluster's Unix socket.
    public var embeddedSocketDirectory: String { home + "/sock" }

    /// The embedded cluster as a libpq target.
    public var embeddedDatabase: ConnectionTarget {
        ConnectionTarget("host=\(embeddedSocketDirectory) dbname=zhibiao user=postgres")
    }

    /// The reporting socket when neither `--socket` nor `ZHIBIAO_SOCKET` says otherwise.
    public var defaultReportSocket: String { home + "/report.sock" }

    /// The database: `--database-url`, else `ZHIBIAO_DATABASE_URL`, else the embedded cluster.
    public func database(flag: String?, environment: [String: String] = Setting.environment) -> ConnectionTarget {
        if let flag, !flag.isEmpty { return ConnectionTarget(flag) }
        if let url = environment["ZHIBIAO_DATABASE_URL"], !url.isEmpty { return ConnectionTarget(url) }
        return embeddedDatabase
    }

    /// The reporting socket: `--socket`, else `ZHIBIAO_SOCKET`, else the default beside the embedded database.
    public func reportSocket(flag: String?, environment: [String: String] = Setting.environment) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let path = environment["ZHIBIAO_SOCKET"], !path.isEmpty { return path }
        return defaultReportSocket
    }
}
