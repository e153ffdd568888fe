import Foundation
import ZhibiaoPostgres

/// Where Zhibiao keeps its local state and how it finds its database and socket when nothing is configured.
///
/// The embedded default: a private PostgreSQL cluster under `$ZHIBIAO_HOME/pg` (default `./.zhibiao`), listening
/// only on a Unix socket in `$ZHIBIAO_HOME/sock`, superuser `postgres`, database `zhibiao`. `scripts/pg-cluster.sh`
/// creates and starts it; `make demo` writes `$ZHIBIAO_HOME/env` with the matching `export` lines.
///
/// Each command logs in to it as the role it needs (the cluster trusts its socket): `migrate` as the owner, the
/// other ingest commands as `zhibiao_ingest`, the reporting server as `zhibiao_reporting`.
public struct ZhibiaoPaths: Sendable {
    /// Who a command logs in as when the database is the embedded one.
    public enum Login: String, Sendable {
        /// The superuser that owns the schema and applies the migrations.
        case owner = "postgres"
        case ingest = "zhibiao_ingest"
        case reporting = "zhibiao_reporting"
    }

    /// The state folder (`ZHIBIAO_HOME`, else `.zhibiao` in the working directory), as an absolute path.
    public let home: String

    public init(environment: [String: String] = Setting.environment) {
        let configured = environment["ZHIBIAO_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ".zhibiao"
        self.home = URL(fileURLWithPath: configured).standardizedFileURL.path
    }

    /// The folder holding the embedded cluster's Unix socket.
    public var embeddedSocketDirectory: String { home + "/sock" }

    /// The embedded cluster as a libpq target, logged in as `login`.
    public func embeddedDatabase(as login: Login) -> ConnectionTarget {
        ConnectionTarget("host=\(embeddedSocketDirectory) dbname=zhibiao user=\(login.rawValue)")
    }

    /// The reporting socket when neither `--socket` nor `ZHIBIAO_SOCKET` says otherwise.
    public var defaultReportSocket: String { home + "/report.sock" }

    /// The database: `--database-url`, else `ZHIBIAO_DATABASE_URL`, else the embedded cluster as `login`.
    public func database(
        flag: String?, login: Login, environment: [String: String] = Setting.environment
    ) -> ConnectionTarget {
        if let flag, !flag.isEmpty { return ConnectionTarget(flag) }
        if let url = environment["ZHIBIAO_DATABASE_URL"], !url.isEmpty { return ConnectionTarget(url) }
        return embeddedDatabase(as: login)
    }

    /// The reporting socket: `--socket`, else `ZHIBIAO_SOCKET`, else the default beside the embedded database.
    public func reportSocket(flag: String?, environment: [String: String] = Setting.environment) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let path = environment["ZHIBIAO_SOCKET"], !path.isEmpty { return path }
        return defaultReportSocket
    }
}
